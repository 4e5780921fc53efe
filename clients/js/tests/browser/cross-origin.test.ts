// @imagegen/client in a browser page of another origin than the api's: with that
// origin in IMAGEGEN_CORS_ORIGINS, it creates and watches a generation over each
// transport; from an origin not listed, the browser refuses it.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type RunningApi, startApi, stopAll, token } from "../support/api.js";
import { launch, shot } from "../support/browser.js";
import { frontendOrigin } from "../support/page-server.js";

let browser: Browser;
let api: RunningApi;
let page: Page;
beforeAll(async () => {
  browser = await launch();
  const origin = await frontendOrigin();
  api = await startApi({ IMAGEGEN_CORS_ORIGINS: origin });
  page = await browser.newPage();
  await page.goto(origin);
  await page.waitForFunction(() => document.title === "ready");
});
afterAll(async () => {
  await browser?.close();
  await stopAll();
});

type Outcome = { sequences: number[]; status: string; transport: string | null; error?: string };

async function generate(base: string, bearer: string, user: string, transport: string): Promise<Outcome> {
  return page.evaluate(
    async ({ base, bearer, user, transport }) => {
      const { ImagegenClient } = (window as never as { imagegen: typeof import("@imagegen/client") }).imagegen;
      const client = new ImagegenClient({ baseUrl: base, token: bearer, realtime: { transports: [transport as never], pollIntervalMs: 300 } });
      const sequences: number[] = [];
      let done: () => void = () => {};
      const ended = new Promise<void>((resolve) => (done = resolve));
      client.subscribe([`user:${user}`], {
        onEvent: ({ envelope }) => {
          sequences.push(envelope.sequence);
          if (envelope.event_type === "GenerationCompleted" || envelope.event_type === "GenerationFailed") done();
        },
      });
      // Watch first: a subscription with no position starts live.
      for (let i = 0; i < 200 && !["connected", "fallback"].includes(client.connection.state); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      try {
        const created = await client.createGeneration({ prompt: "from another origin" }, { idempotencyKey: crypto.randomUUID() });
        await Promise.race([ended, new Promise((r) => setTimeout(r, 20_000))]);
        const read = await client.getGeneration(created.id);
        return { sequences, status: read.status, transport: client.connection.transport };
      } catch (error) {
        return { sequences, status: "none", transport: null, error: String((error as { code?: string }).code ?? error) };
      } finally {
        client.close();
      }
    },
    { base, bearer, user, transport },
  );
}

it.each([["websocket"], ["sse"], ["poll"]])("creates and watches a generation over %s from another origin", async (transport) => {
  const { token: bearer, user } = token();
  const outcome = await generate(api.base, bearer, user, transport);
  expect(outcome.error).toBeUndefined();
  expect(outcome.status).toBe("completed");
  expect(outcome.transport).toBe(transport);
  expect(outcome.sequences).toEqual(outcome.sequences.map((_, i) => i + 1));
  expect(outcome.sequences.length).toBeGreaterThanOrEqual(4);
});

it("is refused by the browser when its origin is not allowed", async () => {
  const elsewhere = await startApi();
  const { token: bearer, user } = token();
  const outcome = await generate(elsewhere.base, bearer, user, "websocket");
  expect(outcome.error).toBe("network_error");
  await shot(page, "09-cross-origin");
});
