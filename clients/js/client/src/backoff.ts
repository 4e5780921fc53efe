/** Reconnect delays: exponential with full jitter (a uniform draw from zero to the
 * ceiling), so a restarted server is not met by every client at the same instant. */
export interface BackoffOptions {
  /** The first ceiling, in ms (500). */
  baseMs?: number;
  /** The largest ceiling, in ms (30 000). */
  capMs?: number;
  /** A uniform draw in [0, 1): `Math.random` unless a test fixes it. */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 500;
    this.capMs = options.capMs ?? 30_000;
    this.random = options.random ?? Math.random;
  }

  /** The ceiling of the next delay. */
  ceiling(): number {
    return Math.min(this.capMs, this.baseMs * 2 ** this.attempt);
  }

  /** The next delay, at least `floorMs` (a server's `Retry-After`). */
  next(floorMs = 0): number {
    const delay = Math.floor(this.random() * this.ceiling());
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.max(delay, floorMs);
  }

  /** After a connection that held: start small again. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
