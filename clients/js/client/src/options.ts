/** A token, or a function that returns one (called again with `refresh` set after the
 * server said the last one expired). */
export type TokenSource = string | ((refresh: boolean) => string | Promise<string>);

/** The platform's transports; Node 20 has `fetch` but no `EventSource`, so pass one
 * (the `eventsource` package) there, and `WebSocket` from `ws`. */
export interface Platform {
  fetch: typeof fetch;
  WebSocket?: typeof WebSocket;
  EventSource?: typeof EventSource;
}

/** How a client reaches an api. */
export interface ClientOptions {
  /** The api's base URL, e.g. `https://api.example.com` (no trailing path). */
  baseUrl: string;
  token: TokenSource;
  /** Defaults to the global `fetch`, `WebSocket` and `EventSource`. */
  platform?: Partial<Platform>;
}

export function platformOf(options: ClientOptions): Platform {
  const given = options.platform ?? {};
  const fetchImpl = given.fetch ?? globalThis.fetch?.bind(globalThis);
  if (!fetchImpl) throw new Error("@imagegen/client needs fetch (Node 18+ or a browser)");
  return {
    fetch: fetchImpl,
    WebSocket: given.WebSocket ?? globalThis.WebSocket,
    EventSource: given.EventSource ?? globalThis.EventSource,
  };
}

export async function tokenOf(source: TokenSource, refresh = false): Promise<string> {
  return typeof source === "string" ? source : source(refresh);
}
