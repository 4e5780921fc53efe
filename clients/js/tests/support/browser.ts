// Headless Chromium from Debian (`chromium`, which install-test-services installs),
// driven by playwright-core, and the screenshots each step keeps under target/.
import { mkdirSync } from "node:fs";
import { type Browser, type Page, chromium } from "playwright-core";

const ROOT = new URL("../../../../", import.meta.url).pathname;
export const SHOTS = `${ROOT}target/console-screenshots`;

export async function launch(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    // As root in a container, without the sandbox; no background traffic to Google.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** The console of `base`, signed in with `token` through the link's fragment. */
export async function openConsole(browser: Browser, base: string, token: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${base}/#access_token=${token}`);
  return page;
}

/** Types a prompt and submits it with the keyboard only. */
export async function submitPrompt(page: Page, prompt: string): Promise<string> {
  await page.locator("#prompt").focus();
  await page.keyboard.type(prompt);
  // Tab through size, seed (and provider) to the button, as a keyboard user does.
  let focused: string | null | undefined = null;
  for (let i = 0; i < 5 && focused !== "Generate"; i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => document.activeElement?.textContent);
  }
  if (focused !== "Generate") throw new Error(`Tab reached ${focused}, not the Generate button`);
  await page.keyboard.press("Enter");
  const card = page.locator('[data-testid="card"]', { hasText: prompt });
  await card.waitFor();
  return (await card.getAttribute("data-id")) ?? "";
}

export function card(page: Page, id: string) {
  return page.locator(`[data-testid="card"][data-id="${id}"]`);
}

/** Records every status a card shows (a MutationObserver in the page). */
export async function recordStatuses(page: Page): Promise<() => Promise<Record<string, string[]>>> {
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    (window as unknown as { seen: typeof seen }).seen = seen;
    const note = (el: Element) => {
      const id = el.getAttribute("data-id");
      const status = el.getAttribute("data-status");
      if (!id || !status) return;
      const list = (seen[id] ??= []);
      if (list.at(-1) !== status) list.push(status);
    };
    document.querySelectorAll('[data-testid="card"]').forEach(note);
    new MutationObserver((changes) => {
      for (const change of changes) {
        if (change.target instanceof Element && change.target.matches('[data-testid="card"]')) note(change.target);
        change.addedNodes.forEach((n) => n instanceof Element && n.matches('[data-testid="card"]') && note(n));
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
  });
  return () => page.evaluate(() => (window as unknown as { seen: Record<string, string[]> }).seen);
}
