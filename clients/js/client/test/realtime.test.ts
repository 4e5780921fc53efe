import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ImagegenClient, type PushedEvent } from "../src/index.js";
import { FakeEventSource, FakeWebSocket, TOKEN, USER_CHANNEL, envelope, fakeFetch, json } from "./fakes.js";

function client(answers: (() => Response)[] = [], token: string | ((refresh: boolean) => string) = TOKEN, random = () => 0.999) {
  const fetch = fakeFetch(answers);
  const made = new ImagegenClient({
    baseUrl: "http://api.test",
    token,
    platform: { fetch: fetch.fetch, WebSocket: FakeWebSocket as never, EventSource: FakeEventSource as never },
    realtime: { backoff: { random }, climbMs: 20_000, pollIntervalMs: 1_000 },
  });
  return { client: made, urls: fetch.urls };
}

function watch(made: ImagegenClient, channels = [USER_CHANNEL]) {
  const events: PushedEvent[] = [];
  const resyncs: string[] = [];
  made.subscribe(channels, { onEvent: (e) => events.push(e), onResync: (c) => resyncs.push(c) });
  return { events, resyncs, sequences: () => events.map((e) => `${e.envelope.aggregate_id}:${e.envelope.sequence}`) };
}

/** The server refuses the WebSocket, then SSE: the ladder goes on to the poll page. */
async function refuseStreams() {
  await vi.advanceTimersByTimeAsync(0);
  FakeWebSocket.last().drop();
  await vi.advanceTimersByTimeAsync(0);
  FakeEventSource.last().fail();
  await vi.advanceTimersByTimeAsync(0);
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.all = [];
  FakeEventSource.all = [];
});
afterEach(() => vi.useRealTimers());

describe("the transport ladder", () => {
  it("connects over WebSocket first and subscribes each channel live", async () => {
    const { client: made } = client();
    const states: string[] = [];
    made.onConnectionChange((info) => states.push(info.state));
    const seen = watch(made);
    await vi.advanceTimersByTimeAsync(0);
    const socket = FakeWebSocket.last();
    expect(socket.url).toBe(`ws://api.test/v1/ws?access_token=${encodeURIComponent(TOKEN)}`);
    socket.accept();
    expect(socket.sent).toEqual([{ type: "subscribe", channel: USER_CHANNEL }]);
    socket.push({ type: "event", channel: USER_CHANNEL, position: 7, data: envelope("g1", 1) });
    expect(seen.sequences()).toEqual(["g1:1"]);
    expect(made.connection).toMatchObject({ state: "connected", transport: "websocket", eventsReceived: 1, positions: { [USER_CHANNEL]: 7 } });
    expect(states.slice(0, 2)).toEqual(["connecting", "connected"]);
  });

  it("subscribes channels added while the connection was opening", async () => {
    let release: (token: string) => void = () => {};
    const fetch = fakeFetch([]);
    const made = new ImagegenClient({
      baseUrl: "http://api.test",
      token: () => new Promise<string>((resolve) => (release = resolve)),
      platform: { fetch: fetch.fetch, WebSocket: FakeWebSocket as never, EventSource: FakeEventSource as never },
    });
    watch(made);
    await vi.advanceTimersByTimeAsync(0);
    // The token is still on its way when another subscriber comes.
    watch(made, ["system"]);
    release(TOKEN);
    await vi.advanceTimersByTimeAsync(0);
    const socket = FakeWebSocket.last();
    socket.accept();
    expect(socket.sent.map((m) => m.channel).sort()).toEqual(["system", USER_CHANNEL].sort());
  });

  it("falls to SSE when WebSocket cannot connect, then to polling, and says so", async () => {
    const page = { events: [{ position: 3, data: envelope("g1", 1) }], next_position: 3 };
    const { client: made, urls } = client([json(page)]);
    const seen = watch(made);
    await vi.advanceTimersByTimeAsync(0);
    FakeWebSocket.last().drop(1006);
    await vi.advanceTimersByTimeAsync(0);
    const source = FakeEventSource.last();
    expect(source.url).toContain("/v1/events?channel=user%3A");
    source.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(urls[0]).toContain("/v1/events/poll?channel=user%3A");
    expect(urls[0]).toContain("after=0");
    expect(made.connection).toMatchObject({ state: "fallback", transport: "poll" });
    expect(seen.sequences()).toEqual(["g1:1"]);
    // The next page starts after the last position.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(urls[1]).toContain("after=3");
  });

  it("climbs back from polling to WebSocket by itself, resuming from the poll's position", async () => {
    const page = { events: [{ position: 5, data: envelope("g1", 1) }], next_position: 5 };
    const empty = { events: [], next_position: 5 };
    const { client: made } = client([json(page), ...Array(40).fill(json(empty))]);
    watch(made);
    await refuseStreams();
    expect(made.connection.state).toBe("fallback");
    const before = FakeWebSocket.all.length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(FakeWebSocket.all.length).toBe(before + 1);
    FakeWebSocket.last().accept();
    await vi.advanceTimersByTimeAsync(0);
    const socket = FakeWebSocket.last();
    socket.accept();
    expect(socket.sent).toEqual([{ type: "subscribe", channel: USER_CHANNEL, since: 5 }]);
    expect(made.connection).toMatchObject({ state: "connected", transport: "websocket" });
  });

  it("goes offline when nothing answers, and tries again at once on retry", async () => {
    const { client: made } = client([]);
    watch(made);
    await refuseStreams();
    expect(made.connection.state).toBe("offline");
    expect(made.connection.nextAttemptAt).not.toBeNull();
    const before = FakeWebSocket.all.length;
    made.realtime.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeWebSocket.all.length).toBe(before + 1);
  });
});

describe("resuming", () => {
  async function connected(_made: ImagegenClient) {
    await vi.advanceTimersByTimeAsync(0);
    const socket = FakeWebSocket.last();
    socket.accept();
    return socket;
  }

  it("reconnects after a lost connection from each channel's position, with no duplicate", async () => {
    const { client: made } = client();
    const seen = watch(made, [USER_CHANNEL, "generation:g1"]);
    const socket = await connected(made);
    socket.push({ type: "event", channel: USER_CHANNEL, position: 10, data: envelope("g1", 1) });
    socket.push({ type: "event", channel: "generation:g1", position: 10, data: envelope("g1", 1) });
    socket.push({ type: "event", channel: USER_CHANNEL, position: 12, data: envelope("g1", 2) });
    socket.drop(1006);
    expect(made.connection.state).toBe("reconnecting");
    // Full jitter with the draw near 1: just under the first ceiling (500 ms).
    await vi.advanceTimersByTimeAsync(498);
    expect(FakeWebSocket.all.length).toBe(1);
    await vi.advanceTimersByTimeAsync(2);
    const again = FakeWebSocket.last();
    again.accept();
    expect(again.sent).toEqual([
      { type: "subscribe", channel: "generation:g1", since: 10 },
      { type: "subscribe", channel: USER_CHANNEL, since: 12 },
    ]);
    // The server replays what the generation channel missed: one new event, one seen.
    again.push({ type: "event", channel: "generation:g1", position: 12, data: envelope("g1", 2) });
    again.push({ type: "event", channel: "generation:g1", position: 14, data: envelope("g1", 3) });
    expect(seen.sequences()).toEqual(["g1:1", "g1:2", "g1:3"]);
    expect(made.connection.reconnects).toBe(1);
  });

  it("comes back at once after too_slow, from the position the server named", async () => {
    const { client: made } = client();
    watch(made);
    const socket = await connected(made);
    socket.push({ type: "event", channel: USER_CHANNEL, position: 20, data: envelope("g1", 1) });
    socket.push({ type: "too_slow", channel: USER_CHANNEL, since: 20 });
    socket.drop(4008);
    await vi.advanceTimersByTimeAsync(0);
    const again = FakeWebSocket.last();
    again.accept();
    expect(again.sent).toEqual([{ type: "subscribe", channel: USER_CHANNEL, since: 20 }]);
  });

  it("asks the token source for a fresh token after token_expired (close 4001)", async () => {
    const asked: boolean[] = [];
    const { client: made } = client([], (refresh: boolean) => {
      asked.push(refresh);
      return refresh ? "fresh" : TOKEN;
    });
    watch(made);
    const socket = await connected(made);
    socket.drop(4001);
    await vi.advanceTimersByTimeAsync(0);
    expect(asked.at(-1)).toBe(true);
    expect(FakeWebSocket.last().url).toContain("access_token=fresh");
  });

  it("reconnects within a second of a server restart (close 1012)", async () => {
    const { client: made } = client();
    watch(made);
    const socket = await connected(made);
    socket.drop(1012);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeWebSocket.all.length).toBe(2);
  });

  it("on resync, tells the subscriber to re-read and watches the channel again from now", async () => {
    const { client: made } = client();
    const seen = watch(made);
    const socket = await connected(made);
    socket.push({ type: "resync", channel: USER_CHANNEL });
    expect(seen.resyncs).toEqual([USER_CHANNEL]);
    expect(socket.sent.at(-1)).toEqual({ type: "subscribe", channel: USER_CHANNEL });
  });

  it("resumes SSE from the lowest channel position, and a broadcast has no position", async () => {
    const { client: made } = client();
    const seen = watch(made, [USER_CHANNEL, "system"]);
    await vi.advanceTimersByTimeAsync(0);
    FakeWebSocket.last().drop();
    await vi.advanceTimersByTimeAsync(0);
    const source = FakeEventSource.last();
    source.accept();
    source.emit("GenerationStarted", envelope("g2", 1, "starting", "GenerationStarted"), "31");
    source.emit("SystemBroadcast", { ...envelope("b", 1), event_type: "SystemBroadcast", payload: { message: "hi" } }, "31");
    expect(seen.events.map((e) => e.position)).toEqual([31, null]);
    source.emit("reconnect", {});
    await vi.advanceTimersByTimeAsync(1_000);
    // The ladder starts again at WebSocket; refuse it to see SSE's resume point.
    FakeWebSocket.last().drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeEventSource.last().url).toContain("last_event_id=31");
  });
});
