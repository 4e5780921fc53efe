import type { Envelope } from "../types.js";

/** The ways a subscription reaches the server, best first. */
export type TransportKind = "websocket" | "sse" | "poll";

/** Why a transport ended. */
export type Ending =
  /** It could not open, or a working one went away. */
  | { kind: "lost"; retryAfterMs?: number | null }
  /** The server is restarting or draining: come back at once, elsewhere. */
  | { kind: "restart" }
  /** The token ran out: come back with a fresh one. */
  | { kind: "token_expired" }
  /** The client fell behind: resume from its positions at once. */
  | { kind: "too_slow" }
  /** The positions are older than the server keeps: start again from now. */
  | { kind: "resync" };

/** An event as a transport received it. `channel` is null where the transport merges
 * channels (SSE, the poll page). */
export interface Received {
  channel: string | null;
  position: number | null;
  envelope: Envelope;
}

/** What a transport tells its owner. `ended` is called once, last. */
export interface TransportHandlers {
  opened(): void;
  event(received: Received): void;
  /** A channel's (or, with null, every channel's) positions are gone. */
  resync(channel: string | null, latest?: number): void;
  presence(change: { type: "join" | "leave"; channel: string; user_id: string }): void;
  refused(channel: string, code: string): void;
  ended(ending: Ending, wasOpen: boolean): void;
}

/** Where a channel resumes: after `since`, or live when null. */
export interface Cursor {
  channel: string;
  since: number | null;
}

export interface Transport {
  readonly kind: TransportKind;
  /** The channels changed: subscribe the new ones (from their cursors), drop the old. */
  setChannels(cursors: Cursor[]): void;
  /** Ends it without calling `ended`. */
  close(): void;
}

/** Where a merged stream (SSE, poll) resumes: the lowest known position, so no
 * channel misses anything (the rest is deduplicated); null when none is known. */
export function mergedSince(cursors: Cursor[]): number | null {
  const known = cursors.map((c) => c.since).filter((s): s is number => s !== null);
  return known.length ? Math.min(...known) : null;
}
