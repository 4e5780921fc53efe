import type { Cursor, Transport, TransportHandlers } from "./transport.js";

/** How often a ping goes out, and how long silence after it means the link is dead
 * (a proxy that dropped the connection without closing it). */
export const PING_MS = 25_000;
export const PONG_GRACE_MS = 10_000;

type ServerMessage =
  | { type: "event"; channel: string; position?: number; data: never }
  | { type: "resync"; channel: string }
  | { type: "too_slow"; channel: string; since: number }
  | { type: "join" | "leave"; channel: string; user_id: string }
  | { type: "error"; code: string; channel?: string }
  | { type: "subscribed" | "unsubscribed" | "pong"; channel?: string };

/** `GET /v1/ws`: one socket, channels subscribed and dropped on it, each resuming by
 * its own position. */
export function openWebSocket(
  WebSocketImpl: typeof WebSocket,
  url: string,
  initial: Cursor[],
  handlers: TransportHandlers,
): Transport {
  const socket = new WebSocketImpl(url);
  let open = false;
  let done = false;
  let subscribed = new Set<string>();
  let lastHeard = Date.now();
  let pinger: ReturnType<typeof setInterval> | undefined;
  let pending: Cursor[] = initial;

  const send = (message: object) => {
    if (open) socket.send(JSON.stringify(message));
  };
  const subscribe = (cursor: Cursor) => {
    send(cursor.since === null ? { type: "subscribe", channel: cursor.channel } : { type: "subscribe", channel: cursor.channel, since: cursor.since });
    subscribed.add(cursor.channel);
  };
  const finish = (ending: Parameters<TransportHandlers["ended"]>[0]) => {
    if (done) return;
    done = true;
    clearInterval(pinger);
    handlers.ended(ending, open);
  };

  socket.onopen = () => {
    open = true;
    lastHeard = Date.now();
    pending.forEach(subscribe);
    pinger = setInterval(() => {
      if (Date.now() - lastHeard > PING_MS + PONG_GRACE_MS) {
        socket.close(4000, "no answer to ping");
        finish({ kind: "lost" });
        return;
      }
      send({ type: "ping" });
    }, PING_MS);
    handlers.opened();
  };
  socket.onmessage = (message: MessageEvent) => {
    lastHeard = Date.now();
    let parsed: ServerMessage;
    try {
      parsed = JSON.parse(String(message.data)) as ServerMessage;
    } catch {
      return;
    }
    switch (parsed.type) {
      case "event":
        handlers.event({ channel: parsed.channel, position: parsed.position ?? null, envelope: parsed.data });
        break;
      case "resync":
        handlers.resync(parsed.channel);
        // Its positions are gone: watch it again from now.
        subscribe({ channel: parsed.channel, since: null });
        break;
      case "join":
      case "leave":
        handlers.presence(parsed);
        break;
      case "error":
        if (parsed.channel) subscribed.delete(parsed.channel);
        handlers.refused(parsed.channel ?? "", parsed.code);
        break;
      default:
        break;
    }
  };
  socket.onclose = (close: CloseEvent) => {
    switch (close.code) {
      case 4001:
        return finish({ kind: "token_expired" });
      case 4008:
        return finish({ kind: "too_slow" });
      case 1012:
        return finish({ kind: "restart" });
      default:
        return finish({ kind: "lost" });
    }
  };
  socket.onerror = () => {
    // A close follows; it says why.
  };

  return {
    kind: "websocket",
    setChannels(cursors) {
      pending = cursors;
      if (!open) return;
      const wanted = new Set(cursors.map((c) => c.channel));
      for (const cursor of cursors) if (!subscribed.has(cursor.channel)) subscribe(cursor);
      for (const channel of subscribed) {
        if (!wanted.has(channel)) send({ type: "unsubscribe", channel });
      }
      subscribed = new Set([...subscribed].filter((c) => wanted.has(c)));
    },
    close() {
      done = true;
      clearInterval(pinger);
      socket.onclose = null;
      socket.close(1000);
    },
  };
}
