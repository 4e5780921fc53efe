import type { ClientOptions } from "./options.js";
import { type ConnectionInfo, Realtime, type RealtimeOptions } from "./realtime.js";
import { Rest } from "./rest.js";
import type { Listener } from "./dispatch.js";

/** The imagegen client: the REST calls (inherited from `Rest`) and one live
 * connection shared by every subscription. */
export class ImagegenClient extends Rest {
  readonly realtime: Realtime;

  constructor(options: ClientOptions & { realtime?: RealtimeOptions }) {
    super(options);
    this.realtime = new Realtime(this, options.realtime);
  }

  /** Watches channels (`user:{id}`, `organization:{id}`, `generation:{id}`, `system`)
   * until the returned function is called. */
  subscribe(channels: string[], listener: Listener): () => void {
    return this.realtime.subscribe(channels, listener);
  }

  /** The connection now. */
  get connection(): ConnectionInfo {
    return this.realtime.info;
  }

  /** Called on every change of the connection (state, transport, events). */
  onConnectionChange(watcher: (info: ConnectionInfo) => void): () => void {
    return this.realtime.watch(watcher);
  }

  /** Stops the live connection. */
  close(): void {
    this.realtime.close();
  }
}
