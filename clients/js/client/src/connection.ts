import type { BackoffOptions } from "./backoff.js";
import type { TransportKind } from "./transports/transport.js";

/** Where the live connection is. */
export type ConnectionState = "idle" | "connecting" | "connected" | "reconnecting" | "fallback" | "offline";

/** The connection, as a value: what a status indicator or debug panel shows. */
export interface ConnectionInfo {
  state: ConnectionState;
  transport: TransportKind | null;
  /** From the last event's `occurred_at` to its arrival, in ms. */
  lastLatencyMs: number | null;
  reconnects: number;
  eventsReceived: number;
  channels: string[];
  positions: Record<string, number>;
  /** When the next attempt starts (ms since the epoch), while waiting for one. */
  nextAttemptAt: number | null;
}

export interface RealtimeOptions {
  /** The transports to use, best first (default: all three). */
  transports?: TransportKind[];
  backoff?: BackoffOptions;
  /** How often polling tries to climb back to a stream (30 s, jittered). */
  climbMs?: number;
  pollIntervalMs?: number;
}
