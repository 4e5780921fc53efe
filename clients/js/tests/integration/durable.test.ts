// The durable mode's promise, through the client: the api is killed (-9) in the
// middle of a run and started again; the client says it is reconnecting, comes back
// by itself, and every event of every generation arrives once, in order.
import { afterAll, expect, it } from "vitest";
import type { ConnectionState } from "@imagegen/client";
import { startApi, stopAll, token } from "../support/api.js";
import { nodeClient, oneTo, record } from "../support/clients.js";
import { throwawayPostgres } from "../support/postgres.js";

afterAll(stopAll);

it.each([["websocket"], ["sse"]] as const)("a kill -9 and restart loses no event (%s)", async (transport) => {
  const databaseUrl = await throwawayPostgres();
  // Predictions of the in-process simulator die with the api: its overdue webhooks
  // are polled for soon after the restart.
  const api = await startApi({ DATABASE_URL: databaseUrl, IMAGEGEN_RECONCILE_AFTER_SECS: "2", IMAGEGEN_SIM_RUN_MS: "1500" });
  const { token: mine, user } = token();
  const client = nodeClient(api.base, mine, [transport]);
  const states: ConnectionState[] = [];
  client.onConnectionChange((info) => states.at(-1) !== info.state && states.push(info.state));
  const watched = record(client, [`user:${user}`]);
  await watched.until(() => client.connection.state === "connected", "connected");
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) ids.push((await client.createGeneration({ prompt: `durable ${i}` })).id);
  await watched.until(() => watched.events.length >= 3, "the first events");
  await api.stop("SIGKILL");
  await watched.until(() => client.connection.state !== "connected", "the client to notice");
  await api.restart();
  await watched.until(() => ids.every((id) => watched.ended(id)), "every generation's end", 90_000);
  for (const id of ids) {
    const sequences = watched.sequences().get(id) ?? [];
    const read = await client.getGeneration(id);
    expect(sequences, `${id} arrived with a gap, a duplicate or out of order`).toEqual(oneTo(read.version));
    expect(read.status).toBe("completed");
  }
  expect(states).toContain("reconnecting");
  expect(states.at(-1)).toBe("connected");
  expect(client.connection.reconnects).toBeGreaterThan(0);
  client.close();
});
