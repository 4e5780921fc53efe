import type { ProblemBody } from "./types.js";

/** A refused or failed request: the HTTP status, imagegen's stable `code`, and how
 * long the server asked to wait (`Retry-After`) when it said. */
export class ImagegenError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterMs: number | null;
  readonly problem: ProblemBody | null;

  constructor(status: number, problem: ProblemBody | null, retryAfterMs: number | null) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.name = "ImagegenError";
    this.status = status;
    this.code = problem?.code ?? (status === 0 ? "network_error" : `http_${status}`);
    this.problem = problem;
    this.retryAfterMs = retryAfterMs;
  }

  /** Worth trying again later: the network, a 429 or a 5xx. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** `Retry-After` in milliseconds: seconds, or an HTTP date. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
