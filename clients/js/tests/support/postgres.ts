// A throwaway Postgres for the durable mode: the workspace's imagegen-test-postgres,
// which stops its cluster and removes its files when our end of its stdin closes.
import { spawn } from "node:child_process";
import { binary, onCleanup } from "./api.js";

export async function throwawayPostgres(): Promise<string> {
  const child = spawn(binary("imagegen-test-postgres"), [], { stdio: ["pipe", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const found = /DATABASE_URL=(\S+)/.exec(text);
      if (found?.[1]) resolve(found[1]);
    });
    child.on("exit", (code) => reject(new Error(`imagegen-test-postgres exited (${code})`)));
  });
  onCleanup(async () => {
    child.stdin.end();
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
  });
  return url;
}
