// A second origin: a tiny server of its own that serves a page and the client
// bundled for browsers, as a frontend on its own domain would.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { onCleanup } from "./api.js";

const PAGE = `<!doctype html><meta charset="utf-8"><title>a frontend elsewhere</title>
<script type="module">import * as imagegen from "/client.js"; window.imagegen = imagegen; document.title = "ready";</script>`;

export async function frontendOrigin(): Promise<string> {
  const bundle = await build({
    entryPoints: [new URL("../../client/src/index.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    target: "es2020",
    write: false,
    logLevel: "warning",
  });
  const script = bundle.outputFiles[0]?.contents ?? new Uint8Array();
  const server = createServer((request, answer) => {
    if (request.url === "/client.js") answer.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else answer.writeHead(200, { "content-type": "text/html" }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onCleanup(async () => void server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
