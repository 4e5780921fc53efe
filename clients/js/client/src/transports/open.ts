import type { Rest } from "../rest.js";
import { openPoll } from "./poll.js";
import { openEventSource } from "./sse.js";
import type { Cursor, Transport, TransportHandlers, TransportKind } from "./transport.js";
import { openWebSocket } from "./websocket.js";

/** Opens one transport of `kind` for `cursors`; `opened` names its channels, so the
 * owner can tell whether they changed meanwhile. */
export function openTransport(
  rest: Rest,
  kind: TransportKind,
  token: string,
  cursors: Cursor[],
  handlers: TransportHandlers,
  pollIntervalMs?: number,
): { transport: Transport; opened: string } {
  const opened = cursors.map((c) => c.channel).join(" ");
  if (kind === "poll") return { transport: openPoll(rest, cursors, handlers, pollIntervalMs), opened };
  if (kind === "sse") {
    const EventSourceImpl = rest.platform.EventSource as typeof EventSource;
    return { transport: openEventSource(EventSourceImpl, rest.baseUrl, token, cursors, handlers), opened };
  }
  const url = `${rest.baseUrl.replace(/^http/, "ws")}/v1/ws?access_token=${encodeURIComponent(token)}`;
  return { transport: openWebSocket(rest.platform.WebSocket as typeof WebSocket, url, cursors, handlers), opened };
}
