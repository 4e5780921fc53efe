import { QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { type Generation, ImagegenClient, applyEvent } from "@imagegen/client";
import { generationKey, syncQueryCache } from "../src/index.js";
import { FakeEventSource, FakeWebSocket, TOKEN, USER_CHANNEL, envelope, fakeFetch } from "../../client/test/fakes.js";

const generation = (id: string, version: number, status = "starting"): Generation =>
  ({ id, version, status, progress: 0, images: [], prompt: "p", provider: "simulator", created_at: "", updated_at: "", delivery_mode: "webhook", settings: {} }) as never;

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.all = [];
});
afterEach(() => vi.useRealTimers());

it("applyEvent moves a generation forward only, and asks for a read when it completes or skipped a move", () => {
  const g = generation("g1", 1);
  expect(applyEvent(g, envelope("g1", 1)).generation).toBe(g);
  expect(applyEvent(g, envelope("g2", 2)).generation).toBe(g);
  const moved = applyEvent(g, envelope("g1", 2, "processing"));
  expect(moved).toMatchObject({ generation: { status: "processing", version: 2 }, needsRead: false });
  expect(applyEvent(g, envelope("g1", 4, "storing")).needsRead).toBe(true);
  expect(applyEvent(g, envelope("g1", 2, "completed", "GenerationCompleted")).needsRead).toBe(true);
});

it("syncQueryCache writes pushed events into cached generations", async () => {
  const client = new ImagegenClient({
    baseUrl: "http://api.test",
    token: TOKEN,
    platform: { fetch: fakeFetch([]).fetch, WebSocket: FakeWebSocket as never, EventSource: FakeEventSource as never },
  });
  const queries = new QueryClient();
  queries.setQueryData(generationKey("g1"), generation("g1", 1));
  const stop = await syncQueryCache(client, queries);
  await vi.advanceTimersByTimeAsync(0);
  const socket = FakeWebSocket.last();
  socket.accept();
  expect(socket.sent).toEqual([{ type: "subscribe", channel: USER_CHANNEL }]);
  socket.push({ type: "event", channel: USER_CHANNEL, position: 3, data: envelope("g1", 2, "processing") });
  expect(queries.getQueryData<Generation>(generationKey("g1"))).toMatchObject({ status: "processing", version: 2 });
  stop();
  client.close();
});
