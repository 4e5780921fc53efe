import { describe, expect, it } from "vitest";
import { Backoff, retryAfterMs } from "../src/index.js";

describe("backoff with full jitter", () => {
  it("draws each delay from zero to a ceiling that doubles up to the cap", () => {
    for (const draw of [0, 0.25, 0.5, 0.999]) {
      const backoff = new Backoff({ baseMs: 500, capMs: 30_000, random: () => draw });
      const delays = Array.from({ length: 10 }, () => backoff.next());
      const ceilings = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000];
      delays.forEach((delay, i) => {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceilings[i] as number);
        expect(delay).toBe(Math.floor(draw * (ceilings[i] as number)));
      });
    }
  });

  it("never waits less than the server's Retry-After, and starts small again after a reset", () => {
    const backoff = new Backoff({ random: () => 0 });
    expect(backoff.next(7_000)).toBe(7_000);
    backoff.next();
    backoff.reset();
    expect(backoff.ceiling()).toBe(500);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs("soon")).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
});
