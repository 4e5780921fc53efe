// A proxy in front of an api that refuses both streams (WebSocket upgrades and
// `/v1/events`), as a corporate proxy may: what the console must fall back from.
import { type Server, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { onCleanup } from "./api.js";

export async function streamRefusingProxy(target: string): Promise<string> {
  const upstream = new URL(target);
  const server: Server = createServer((incoming, answer) => {
    const path = incoming.url ?? "/";
    if (path.startsWith("/v1/events") && !path.startsWith("/v1/events/poll")) {
      answer.writeHead(502).end();
      return;
    }
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, path, method: incoming.method, headers: { ...incoming.headers, host: upstream.host } },
      (reply) => {
        answer.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(answer);
      },
    );
    forwarded.on("error", () => answer.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  server.on("upgrade", (_request, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onCleanup(async () => void server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
