// A fake server side for the state machine: sockets and event sources the test opens,
// feeds and closes by hand, and a fetch that answers poll pages from a queue.
import type { Envelope } from "../src/types.js";

export class FakeWebSocket {
  static all: FakeWebSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: ((c: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  sent: Record<string, unknown>[] = [];
  closed = false;
  constructor(readonly url: string) {
    FakeWebSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.closed = true;
  }
  // The server's side:
  accept() {
    this.onopen?.();
  }
  push(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006) {
    this.closed = true;
    this.onclose?.({ code });
  }
  static last(): FakeWebSocket {
    const socket = FakeWebSocket.all.at(-1);
    if (!socket) throw new Error("no WebSocket was opened");
    return socket;
  }
}

type Handler = (m: { data: string; lastEventId: string }) => void;

export class FakeEventSource {
  static all: FakeEventSource[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private handlers = new Map<string, Handler[]>();
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, handler: Handler) {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
  }
  close() {
    this.closed = true;
  }
  accept() {
    this.onopen?.();
  }
  emit(type: string, data: object, id = "") {
    for (const handler of this.handlers.get(type) ?? []) handler({ data: JSON.stringify(data), lastEventId: id });
  }
  fail() {
    this.onerror?.();
  }
  static last(): FakeEventSource {
    const source = FakeEventSource.all.at(-1);
    if (!source) throw new Error("no EventSource was opened");
    return source;
  }
}

/** A fetch answering from `answers` in order (then 503s), recording the URLs. */
export function fakeFetch(answers: (() => Response)[]) {
  const urls: string[] = [];
  const fetch = async (url: string | URL | Request) => {
    urls.push(String(url));
    const next = answers.shift();
    if (!next) return new Response(JSON.stringify({ code: "unavailable", detail: "down", status: 503, title: "", type: "" }), { status: 503 });
    return next();
  };
  return { fetch: fetch as typeof globalThis.fetch, urls };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

const USER = "6d1c3f5e-0000-4000-8000-000000000001";
const ORG = "6d1c3f5e-0000-4000-8000-0000000000ff";
export const USER_CHANNEL = `user:${USER}`;

/** A token whose `sub` is USER (not signed: the fake server never checks). */
export const TOKEN = `x.${btoa(JSON.stringify({ sub: USER, org_id: ORG, role: "user" })).replace(/=+$/, "")}.y`;

/** An event of generation `id` at `sequence`. */
export function envelope(id: string, sequence: number, status = "processing", type = "GenerationStatusChanged"): Envelope {
  return {
    event_id: `${id}-${sequence}`,
    event_type: type as Envelope["event_type"],
    aggregate_type: "generation",
    aggregate_id: id,
    sequence,
    schema_version: 1,
    occurred_at: new Date().toISOString(),
    user_id: USER,
    organization_id: ORG,
    payload: { status: status as never },
  };
}
