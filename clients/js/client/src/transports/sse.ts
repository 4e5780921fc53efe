import { EVENT_TYPES, type Envelope } from "../types.js";
import { type Cursor, type Transport, type TransportHandlers, mergedSince } from "./transport.js";

/** `GET /v1/events`: every channel in one stream, resumed by one position (the
 * lowest of the channels'). The browser's own reconnect is not used: this client
 * reconnects, so that it can fall back and resume where its cursors say. */
export function openEventSource(
  EventSourceImpl: typeof EventSource,
  baseUrl: string,
  token: string,
  cursors: Cursor[],
  handlers: TransportHandlers,
): Transport {
  const query = new URLSearchParams(cursors.map((c) => ["channel", c.channel]));
  query.set("access_token", token);
  const since = mergedSince(cursors);
  if (since !== null) query.set("last_event_id", String(since));
  const source = new EventSourceImpl(`${baseUrl}/v1/events?${query}`);
  let open = false;
  let done = false;

  const finish = (ending: Parameters<TransportHandlers["ended"]>[0]) => {
    if (done) return;
    done = true;
    source.close();
    handlers.ended(ending, open);
  };
  const data = (message: MessageEvent) => {
    try {
      return JSON.parse(String(message.data)) as Record<string, unknown>;
    } catch {
      return null;
    }
  };

  source.onopen = () => {
    open = true;
    handlers.opened();
  };
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message: MessageEvent) => {
      const envelope = data(message) as Envelope | null;
      if (!envelope) return;
      // A broadcast has no `id:`, but EventSource repeats the last one: ignore it.
      const stored = type !== "SystemBroadcast" && message.lastEventId !== "";
      handlers.event({ channel: null, position: stored ? Number(message.lastEventId) : null, envelope });
    });
  }
  source.addEventListener("reconnect", () => finish({ kind: "restart" }));
  source.addEventListener("token_expired", () => finish({ kind: "token_expired" }));
  source.addEventListener("too_slow", () => finish({ kind: "too_slow" }));
  source.addEventListener("resync", () => {
    handlers.resync(null);
    finish({ kind: "resync" });
  });
  source.onerror = () => finish({ kind: "lost" });

  return {
    kind: "sse",
    setChannels() {
      // One stream carries a fixed set: the owner opens a new one.
    },
    close() {
      done = true;
      source.close();
    },
  };
}
