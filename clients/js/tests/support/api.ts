// The api under test: the workspace's built binary (`cargo build -p imagegen-api`,
// or IMAGEGEN_API_BIN), started as a user starts it, on the address it reports.
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../../../../", import.meta.url).pathname;
export const JWT_SECRET = "client-tests-secret-client-tests-secret";

export function binary(name: string): string {
  // IMAGEGEN_API_BIN, IMAGEGEN_TEST_POSTGRES_BIN: set by the cargo test that runs these.
  const given = process.env[`IMAGEGEN_${name.replace(/^imagegen-/, "").replace(/-/g, "_").toUpperCase()}_BIN`];
  const candidates = [given, join(ROOT, "target/debug", name), join(ROOT, "target/release", name)];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) throw new Error(`${name} is not built: run \`cargo build -p imagegen-api -p imagegen-test-support --bins\` at the workspace root`);
  return found;
}

export interface RunningApi {
  base: string;
  port: number;
  /** Every line it wrote, for failure messages. */
  lines: string[];
  /** SIGKILL (a crash) or SIGTERM (a drain); resolves when it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port with the same environment. */
  restart(): Promise<void>;
}

/** Starts an api with `env` (embedded mode unless DATABASE_URL is in it). */
export async function startApi(env: Record<string, string> = {}): Promise<RunningApi> {
  const data = mkdtempSync(join(tmpdir(), "imagegen-js-"));
  let child: ChildProcess;
  const lines: string[] = [];
  const launch = (listen: string) =>
    new Promise<number>((resolve, reject) => {
      child = spawn(binary("imagegen-api"), [], {
        env: {
          PATH: process.env.PATH ?? "",
          IMAGEGEN_LISTEN: listen,
          IMAGEGEN_DATA_DIR: data,
          IMAGEGEN_JWT_SECRET: JWT_SECRET,
          IMAGEGEN_SIM_START_DELAY_MS: "150",
          IMAGEGEN_SIM_RUN_MS: "400",
          NO_COLOR: "1",
          RUST_LOG: "info",
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const timer = setTimeout(() => reject(new Error(`the api did not start:\n${lines.join("\n")}`)), 60_000);
      let buffered = "";
      const read = (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split("\n");
        buffered = parts.pop() ?? "";
        for (const line of parts) {
          lines.push(line);
          const at = /listening; API at http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
          if (at) {
            clearTimeout(timer);
            resolve(Number(at[1]));
          }
        }
      };
      child.stdout?.on("data", read);
      child.stderr?.on("data", read);
      child.on("exit", (code) => reject(new Error(`the api exited (${code}):\n${lines.join("\n")}`)));
    });
  const port = await launch("127.0.0.1:0");
  const base = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${base}/readyz`)).ok);
  const exited = () => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
  const api: RunningApi = {
    base,
    port,
    lines,
    async stop(signal = "SIGKILL") {
      child.kill(signal);
      await exited();
    },
    async restart() {
      await launch(`127.0.0.1:${port}`);
      await until(async () => (await fetch(`${base}/readyz`)).ok);
    },
  };
  cleanups.push(async () => {
    await api.stop("SIGKILL");
    rmSync(data, { recursive: true, force: true });
  });
  return api;
}

const cleanups: (() => Promise<void>)[] = [];

/** Stops every api (and other process) this test file started. */
export async function stopAll(): Promise<void> {
  while (cleanups.length) await cleanups.pop()?.().catch(() => {});
}

export function onCleanup(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

/** Waits until `check` holds (polling every 100 ms), or fails after `ms`. */
export async function until(check: () => Promise<boolean> | boolean, ms = 30_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A signed HS256 token, as `imagegen-api token` makes one. */
export function token(options: { user?: string; org?: string; role?: "user" | "admin"; ttlSeconds?: number } = {}): { token: string; user: string } {
  const user = options.user ?? randomUUID();
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString("base64url");
  const claims = { sub: user, org_id: options.org ?? randomUUID(), role: options.role ?? "user", exp: Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? 3600) };
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}`;
  const signature = createHmac("sha256", JWT_SECRET).update(unsigned).digest("base64url");
  return { token: `${unsigned}.${signature}`, user };
}
