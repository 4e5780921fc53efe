// A second origin: a tiny server of its own that serves pages and scripts, as a
// frontend on its own domain would.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { onCleanup } from "./api.js";

const ALIAS = {
  "@imagegen/client": new URL("../../client/src/index.ts", import.meta.url).pathname,
  "@imagegen/react": new URL("../../react/src/index.ts", import.meta.url).pathname,
};

/** Bundles TypeScript (`source`, resolved from this directory) for a browser. */
export async function bundle(source: string): Promise<Uint8Array> {
  const built = await build({
    stdin: { contents: source, loader: "tsx", resolveDir: new URL(".", import.meta.url).pathname },
    alias: ALIAS,
    bundle: true,
    format: "esm",
    target: "es2020",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    write: false,
    logLevel: "warning",
  });
  return built.outputFiles[0]?.contents ?? new Uint8Array();
}

type Route = { type: string; body: () => string | Uint8Array };

/** Serves `routes` (path -> content type and body) on a port of its own. */
export async function serveOrigin(routes: Record<string, Route>): Promise<string> {
  const server = createServer((request, answer) => {
    const route = routes[request.url ?? "/"];
    if (!route) return void answer.writeHead(404).end();
    answer.writeHead(200, { "content-type": route.type }).end(route.body());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onCleanup(async () => void server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>a frontend elsewhere</title>
<script type="module">import * as imagegen from "/client.js"; window.imagegen = imagegen; document.title = "ready";</script>`;

/** A page that loads the client (as `window.imagegen`) from its own origin. */
export async function frontendOrigin(): Promise<string> {
  const script = await bundle(`export * from "@imagegen/client";`);
  return serveOrigin({
    "/": { type: "text/html", body: () => PAGE },
    "/client.js": { type: "text/javascript", body: () => script },
  });
}
