import { Backoff } from "./backoff.js";
import type { ConnectionInfo, ConnectionState, RealtimeOptions } from "./connection.js";
import { Dispatch, type Listener } from "./dispatch.js";
import type { Rest } from "./rest.js";
import { openTransport } from "./transports/open.js";
import type { Ending, Transport, TransportHandlers, TransportKind } from "./transports/transport.js";

export type { ConnectionInfo, ConnectionState, RealtimeOptions } from "./connection.js";

/** One live connection for many subscriptions: WebSocket first, SSE when WebSocket
 * cannot connect, the poll page when neither streams, climbing back by itself;
 * resuming by position on every reconnect. */
export class Realtime {
  private readonly dispatch = new Dispatch();
  private readonly backoff: Backoff;
  private readonly ladder: TransportKind[];
  private readonly watchers = new Set<(info: ConnectionInfo) => void>();
  private current: Transport | null = null;
  private probe: Transport | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private climbTimer: ReturnType<typeof setTimeout> | undefined;
  private state: ConnectionState = "idle";
  private reconnects = 0;
  private nextAttemptAt: number | null = null;
  private refreshToken = false;
  private generation = 0;

  constructor(
    private readonly rest: Rest,
    private readonly options: RealtimeOptions = {},
  ) {
    this.backoff = new Backoff(options.backoff);
    const available: TransportKind[] = ["websocket", "sse", "poll"];
    this.ladder = (options.transports ?? available).filter(
      (kind) => (kind !== "websocket" || rest.platform.WebSocket) && (kind !== "sse" || rest.platform.EventSource),
    );
    // Back online (a browser says so): try at once rather than at the next backoff.
    globalThis.addEventListener?.("online", () => this.retryNow());
  }

  /** Watches `channels` until the returned function is called. */
  subscribe(channels: string[], listener: Listener): () => void {
    this.dispatch.add(listener, channels);
    this.channelsChanged();
    return () => {
      this.dispatch.remove(listener);
      this.channelsChanged();
    };
  }

  get info(): ConnectionInfo {
    return {
      state: this.state,
      transport: this.state === "connected" || this.state === "fallback" ? (this.current?.kind ?? null) : null,
      lastLatencyMs: this.dispatch.lastLatencyMs,
      reconnects: this.reconnects,
      eventsReceived: this.dispatch.eventsReceived,
      channels: this.dispatch.channels(),
      positions: this.dispatch.positionsByChannel(),
      nextAttemptAt: this.nextAttemptAt,
    };
  }

  /** Called with the new info on every change of state or event; returns an unwatch. */
  watch(watcher: (info: ConnectionInfo) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Tries again now instead of at the next scheduled attempt. */
  retryNow(): void {
    if (this.state === "connected" || this.state === "idle") return;
    this.backoff.reset();
    this.schedule(0);
  }

  /** Closes everything; subscriptions stay registered but hear nothing more. */
  close(): void {
    this.generation += 1;
    this.stop();
    this.set("idle");
  }

  private channelsChanged(): void {
    const cursors = this.dispatch.cursors();
    if (cursors.length === 0) return this.close();
    if (this.state === "idle") return this.attempt(0);
    if (this.current?.kind === "sse") {
      // One stream carries a fixed set of channels: open another.
      this.stop();
      return this.attempt(0);
    }
    this.current?.setChannels(cursors);
  }

  private set(state: ConnectionState): void {
    this.state = state;
    this.notify();
  }

  private notify(): void {
    const info = this.info;
    for (const watcher of this.watchers) watcher(info);
  }

  private stop(): void {
    clearTimeout(this.timer);
    clearTimeout(this.climbTimer);
    this.current?.close();
    this.probe?.close();
    this.current = this.probe = null;
    this.nextAttemptAt = null;
  }

  /** Opens the `index`-th transport of the ladder; each one that cannot open hands
   * over to the next, and the last one's failure waits out a backoff. */
  private attempt(index: number): void {
    const kind = this.ladder[index];
    if (kind === undefined) return;
    const round = ++this.generation;
    if (this.state === "idle") this.set("connecting");
    this.nextAttemptAt = null;
    void this.open(kind, this.handlers(kind, round, index)).then(({ transport, opened }) => {
      if (round !== this.generation) return transport.close();
      this.current = transport;
      // Channels may have changed while the token was fetched: catch up.
      if (opened !== this.dispatch.channels().join(" ")) this.channelsChanged();
    });
  }

  /** Opens a transport for the channels watched when it opens (named in `opened`). */
  private async open(kind: TransportKind, handlers: TransportHandlers) {
    const token = kind === "poll" ? "" : await this.rest.token(this.refreshToken).catch(() => "");
    if (kind !== "poll") this.refreshToken = false;
    return openTransport(this.rest, kind, token, this.dispatch.cursors(), handlers, this.options.pollIntervalMs);
  }

  private handlers(kind: TransportKind, round: number, index: number): TransportHandlers {
    const live = () => round === this.generation;
    const merged = kind !== "websocket";
    let held: ReturnType<typeof setTimeout> | undefined;
    return {
      opened: () => {
        if (!live()) return;
        // A connection that holds a while resets the backoff; a flapping one does not.
        held = setTimeout(() => this.backoff.reset(), 5_000);
        if (kind === "poll") {
          this.set("fallback");
          this.scheduleClimb();
        } else this.set("connected");
      },
      event: (received) => {
        if (!live()) return;
        this.dispatch.receive(received, merged);
        this.notify();
      },
      resync: (channel, latest) => live() && this.dispatch.forget(channel, latest),
      presence: (change) => live() && this.dispatch.presence(change),
      refused: (channel, code) => live() && this.dispatch.refused(channel, code),
      ended: (ending, wasOpen) => {
        clearTimeout(held);
        if (!live()) return;
        this.current = null;
        this.ended(ending, wasOpen, index);
      },
    };
  }

  private ended(ending: Ending, wasOpen: boolean, index: number): void {
    clearTimeout(this.climbTimer);
    if (ending.kind === "token_expired") this.refreshToken = true;
    if (ending.kind === "resync") this.dispatch.forget(null);
    // One that never opened hands over to the next transport at once.
    if (!wasOpen && ending.kind === "lost" && index + 1 < this.ladder.length) {
      return this.attempt(index + 1);
    }
    this.reconnects += 1;
    // A working connection went: reconnecting. Nothing answered, polling included: offline.
    this.set(wasOpen ? "reconnecting" : "offline");
    const immediate = ending.kind === "too_slow" || ending.kind === "token_expired" || ending.kind === "resync";
    const delay = immediate
      ? 0
      : ending.kind === "restart"
        ? Math.floor(Math.random() * 1000)
        : this.backoff.next(ending.kind === "lost" ? (ending.retryAfterMs ?? 0) : 0);
    this.schedule(delay);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.nextAttemptAt = Date.now() + delayMs;
    this.notify();
    this.timer = setTimeout(() => {
      this.current?.close();
      this.current = null;
      this.attempt(0);
    }, delayMs);
  }

  /** While polling, tries a stream now and then; the first that opens takes over. */
  private scheduleClimb(): void {
    const streams = this.ladder.filter((k) => k !== "poll");
    if (!streams.length) return;
    const every = this.options.climbMs ?? 30_000;
    this.climbTimer = setTimeout(() => void this.climb(streams[0] as TransportKind), every / 2 + Math.random() * every);
  }

  private async climb(kind: TransportKind): Promise<void> {
    const round = this.generation;
    let opened = false;
    const { transport: probe } = await this.open(kind, {
      opened: () => {
        if (round !== this.generation) return probe.close();
        opened = true;
        // It streams: it takes over from polling, resuming from the same cursors.
        this.generation += 1;
        const polling = this.current;
        this.probe = null;
        polling?.close();
        probe.close();
        this.attempt(this.ladder.indexOf(kind));
      },
      event: () => {},
      resync: () => {},
      presence: () => {},
      refused: () => {},
      ended: () => {
        if (!opened && round === this.generation) this.scheduleClimb();
      },
    });
    this.probe = probe;
  }
}
