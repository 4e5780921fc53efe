// The console in a real browser (headless Chromium): a prompt becomes a completed
// card with its image; a restarted api (durable) shows reconnecting then connected
// and no event is lost; refused streams fall back to polling, said so; an admin
// pauses and resumes a queue; a broadcast reaches a user's page.
import { copyFileSync, mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApi, stopAll, token, until } from "../support/api.js";
import { SHOTS, card, launch, openConsole, recordStatuses, shot, submitPrompt } from "../support/browser.js";
import { throwawayPostgres } from "../support/postgres.js";
import { streamRefusingProxy } from "../support/proxy.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await stopAll();
});

it("a prompt typed with the keyboard becomes a completed card with its image, announced", async () => {
  const api = await startApi();
  const page = await openConsole(browser, api.base, token().token);
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor();
  expect(await page.locator('[data-testid="connection"]').textContent()).toContain("via WebSocket");
  const statuses = await recordStatuses(page);
  const id = await submitPrompt(page, "a lighthouse at dusk");
  await shot(page, "01-pending");
  await card(page, id).and(page.locator('[data-status="completed"]')).waitFor({ timeout: 30_000 });
  const image = card(page, id).locator("img");
  await until(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 10_000, "the image to load");
  // Each status shown in turn, forward only (pending may pass before the first paint).
  const seen = (await statuses())[id] ?? [];
  const order = ["pending", "starting", "processing", "storing", "completed"];
  expect(seen.map((s) => order.indexOf(s))).toEqual([...seen.map((s) => order.indexOf(s))].sort());
  expect(seen).toContain("processing");
  expect(seen.at(-1)).toBe("completed");
  expect(await page.getByTestId("announcer").textContent()).toContain("completed");
  // The token left the address bar.
  expect(page.url()).not.toContain("access_token");
  await shot(page, "02-completed");
});

it("after the api is killed and restarted (durable), it shows reconnecting, then connected, and misses nothing", async () => {
  const databaseUrl = await throwawayPostgres();
  const api = await startApi({ DATABASE_URL: databaseUrl, IMAGEGEN_RECONCILE_AFTER_SECS: "2", IMAGEGEN_SIM_RUN_MS: "3000" });
  const page = await openConsole(browser, api.base, token().token);
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor();
  const ids = [await submitPrompt(page, "before the crash 1"), await submitPrompt(page, "before the crash 2")];
  await card(page, ids[0]!).and(page.locator('[data-status="processing"]')).waitFor({ timeout: 20_000 });
  await api.stop("SIGKILL");
  await page.locator('[data-testid="connection"][data-state="reconnecting"], [data-testid="connection"][data-state="offline"]').waitFor();
  expect(await page.locator('[data-testid="connection"]').textContent()).toMatch(/Reconnecting|Disconnected/);
  await shot(page, "03-reconnecting");
  await api.restart();
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: 30_000 });
  for (const id of ids) await card(page, id).and(page.locator('[data-status="completed"]')).waitFor({ timeout: 60_000 });
  // Every event once: the count the client received is the sum of the versions.
  const client = await fetch(`${api.base}/v1/generations?limit=10`, { headers: { authorization: `Bearer ${await page.evaluate(() => sessionStorage.getItem("imagegen.token"))}` } });
  const versions = ((await client.json()) as { items: { version: number }[] }).items.reduce((sum, g) => sum + g.version, 0);
  await page.locator("details.debug summary").click();
  await until(async () => Number(await page.getByTestId("debug-events").textContent()) === versions, 10_000, `${versions} events`);
  await shot(page, "04-reconnected");
});

it("with both streams refused it falls back to polling, says so, and the generation still completes", async () => {
  const api = await startApi();
  const proxy = await streamRefusingProxy(api.base);
  const page = await openConsole(browser, proxy, token().token);
  await page.locator('[data-testid="connection"][data-state="fallback"]').waitFor({ timeout: 20_000 });
  expect(await page.locator('[data-testid="connection"]').textContent()).toContain("Polling");
  const id = await submitPrompt(page, "through a strict proxy");
  await card(page, id).and(page.locator('[data-status="completed"]')).waitFor({ timeout: 30_000 });
  const image = card(page, id).locator("img");
  await until(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 10_000, "the image");
  await shot(page, "05-polling");
});

it("an admin pauses a queue, sees a generation wait, resumes it, sees it complete; a broadcast reaches a user", async () => {
  const api = await startApi();
  const admin = await openConsole(browser, api.base, token({ role: "admin" }).token);
  const user = await openConsole(browser, api.base, token().token);
  await user.locator('[data-testid="connection"][data-state="connected"]').waitFor();
  await admin.getByRole("button", { name: "Pause provider-submissions" }).click();
  await admin.locator('[data-testid="queue-provider-submissions"][data-paused="true"]').waitFor();
  const id = await submitPrompt(admin, "waits for the queue");
  await admin.locator('[data-testid="queue-provider-submissions"] [data-testid="waiting"]', { hasText: "1" }).waitFor({ timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 1_500));
  expect(await card(admin, id).getAttribute("data-status")).toBe("pending");
  await shot(admin, "06-admin-paused");
  await admin.getByRole("button", { name: "Resume provider-submissions" }).click();
  await card(admin, id).and(admin.locator('[data-status="completed"]')).waitFor({ timeout: 30_000 });
  await admin.getByLabel("Message to everyone").fill("maintenance at noon");
  await admin.getByRole("button", { name: "Send broadcast" }).click();
  await user.getByTestId("broadcast").filter({ hasText: "maintenance at noon" }).waitFor({ timeout: 10_000 });
  await shot(user, "07-broadcast");
  await admin.getByRole("button", { name: "Test simulator" }).click();
  await admin.getByTestId("provider-test").filter({ hasText: "round trip" }).waitFor({ timeout: 40_000 });
  await shot(admin, "08-admin");
  mkdirSync(new URL("../../../../docs/", import.meta.url).pathname, { recursive: true });
  if (process.env.UPDATE_DOCS_SCREENSHOT) copyFileSync(`${SHOTS}/08-admin.png`, new URL("../../../../docs/console.png", import.meta.url).pathname);
});
