// Clients of the api under test, in Node: `ws` for WebSocket and `eventsource` for
// SSE stand in for the browser's.
import { EventSource } from "eventsource";
import WebSocket from "ws";
import { ImagegenClient, type PushedEvent, type TransportKind } from "@imagegen/client";
import { until } from "./api.js";

export function nodeClient(base: string, token: string, transports?: TransportKind[]): ImagegenClient {
  return new ImagegenClient({
    baseUrl: base,
    token,
    platform: { WebSocket: WebSocket as never, EventSource: EventSource as never },
    realtime: { transports, backoff: { baseMs: 200, capMs: 2_000 }, pollIntervalMs: 300, climbMs: 2_000 },
  });
}

/** Everything a subscription hears, and a wait for a condition over it. */
export function record(client: ImagegenClient, channels: string[]) {
  const events: PushedEvent[] = [];
  const stop = client.subscribe(channels, { onEvent: (e) => events.push(e) });
  return {
    events,
    stop,
    /** Each generation's event sequences, in arrival order. */
    sequences(): Map<string, number[]> {
      const by = new Map<string, number[]>();
      for (const e of events) {
        if (e.envelope.event_type === "SystemBroadcast") continue;
        by.set(e.envelope.aggregate_id, [...(by.get(e.envelope.aggregate_id) ?? []), e.envelope.sequence]);
      }
      return by;
    },
    ended(id: string): boolean {
      return events.some((e) => e.envelope.aggregate_id === id && ["GenerationCompleted", "GenerationFailed", "GenerationCancelled"].includes(e.envelope.event_type));
    },
    async until(check: () => boolean, what: string, ms = 60_000) {
      await until(check, ms, what);
    },
  };
}

/** 1..n, the only order a generation's events may arrive in. */
export const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
