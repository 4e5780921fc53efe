import { ImagegenError } from "../problem.js";
import type { Rest } from "../rest.js";
import { type Cursor, type Transport, type TransportHandlers, mergedSince } from "./transport.js";

/** Between pages when the last one was not full. */
export const POLL_INTERVAL_MS = 2_000;
const PAGE = 100;

/** `GET /v1/events/poll`, page after page: for when neither stream can connect. */
export function openPoll(rest: Rest, cursors: Cursor[], handlers: TransportHandlers, intervalMs = POLL_INTERVAL_MS): Transport {
  let channels = cursors.map((c) => c.channel);
  let after = mergedSince(cursors) ?? 0;
  let open = false;
  let done = false;
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const round = async () => {
    if (done) return;
    try {
      const page = await rest.pollEvents(channels, after, PAGE, abort.signal);
      if (done) return;
      if (!open) {
        open = true;
        handlers.opened();
      }
      if (page.resync) {
        handlers.resync(null, page.next_position);
      }
      for (const event of page.events) {
        handlers.event({ channel: null, position: event.position, envelope: event.data });
      }
      after = page.next_position;
      timer = setTimeout(round, page.events.length === PAGE ? 0 : intervalMs);
    } catch (error) {
      if (done) return;
      done = true;
      const refused = error instanceof ImagegenError ? error : null;
      if (refused?.status === 401) handlers.ended({ kind: "token_expired" }, open);
      else handlers.ended({ kind: "lost", retryAfterMs: refused?.retryAfterMs ?? null }, open);
    }
  };
  void round();

  return {
    kind: "poll",
    setChannels(next) {
      channels = next.map((c) => c.channel);
      const since = mergedSince(next);
      if (since !== null) after = Math.min(after, since);
    },
    close() {
      done = true;
      clearTimeout(timer);
      abort.abort();
    },
  };
}
