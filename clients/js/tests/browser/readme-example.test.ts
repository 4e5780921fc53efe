// clients/js/README.md's React example, as a frontend developer pastes it: bundled
// from the README's own text, served from another origin, pointed at a real api. A
// click on Generate shows the generation arrive live, with its image.
import { readFile } from "node:fs/promises";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApi, stopAll, token, until } from "../support/api.js";
import { launch, shot } from "../support/browser.js";
import { bundle, serveOrigin } from "../support/page-server.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await stopAll();
});

it("the README's React example shows a generation arrive live, with its image", async () => {
  const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
  const example = /## Live generations in a React page\n\n```tsx\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example, "the README's React example").toBeTruthy();
  // The one line a developer changes: where their api is.
  const pasted = example!.replace('"https://imagegen.example.com"', "(window as any).API_BASE");
  expect(pasted).not.toBe(example);
  const script = await bundle(
    `${pasted}\nimport { createRoot } from "react-dom/client";\ncreateRoot(document.getElementById("root")!).render(<App />);\n`,
  );
  let apiBase = "";
  const { token: bearer } = token();
  const origin = await serveOrigin({
    "/": { type: "text/html", body: () => `<!doctype html><div id="root"></div><script>window.API_BASE = ${JSON.stringify(apiBase)}</script><script type="module" src="/app.js"></script>` },
    "/app.js": { type: "text/javascript", body: () => script },
    // The developer's backend, minting a token for the signed-in user.
    "/my-backend/imagegen-token": { type: "text/plain", body: () => bearer },
  });
  const api = await startApi({ IMAGEGEN_CORS_ORIGINS: origin });
  apiBase = api.base;
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  await page.goto(origin);
  await page.getByText("connected via websocket").waitFor({ timeout: 20_000 });
  await page.getByRole("button", { name: "Generate" }).click();
  await page.getByText("a lighthouse at dusk: completed").waitFor({ timeout: 30_000 });
  const image = page.locator("li img");
  await until(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 10_000, "the image");
  await shot(page, "10-readme-example");
});
