// The client against a real api in the embedded mode: its types match the server's
// document and answers, and each transport delivers every event once, in order.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Envelope, ImagegenError } from "@imagegen/client";
import { TYPES_FILE, render } from "../openapi-types.mjs";
import { type RunningApi, startApi, stopAll, token } from "../support/api.js";
import { nodeClient, oneTo, record } from "../support/clients.js";

let api: RunningApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(stopAll);

describe("types", () => {
  it("are what the running api's OpenAPI document generates", async () => {
    const spec = await (await fetch(`${api.base}/openapi.json`)).json();
    const committed = await readFile(TYPES_FILE, "utf8");
    expect(await render(spec), "client/src/openapi.ts is stale: run node tests/openapi-types.mjs <api>/openapi.json").toBe(committed);
  });

  it("written by hand name exactly the fields the server sends", async () => {
    const { token: admin } = token({ role: "admin" });
    const { token: mine, user } = token();
    const client = nodeClient(api.base, admin);
    const delivery = await client.admin.delivery();
    expect(Object.keys(delivery).sort()).toEqual(["automatic", "global_override", "health", "mode", "percentage", "user_overrides"]);
    expect(Object.keys(delivery.health).sort()).toEqual(["delivered", "failed", "refused"]);
    expect(Object.keys(await client.admin.mismatches()).sort()).toEqual(["mismatches", "total"]);
    const test = await client.admin.testProvider("simulator");
    expect(Object.keys(test).sort()).toEqual(["detail", "generation_id", "ok", "provider", "round_trip_ms", "status"]);
    const own = nodeClient(api.base, mine, ["websocket"]);
    const watched = record(own, [`user:${user}`]);
    const created = await own.createGeneration({ prompt: "field check" });
    await watched.until(() => watched.ended(created.id), "the generation's end");
    const envelope: Envelope = watched.events[0]!.envelope;
    expect(Object.keys(envelope).sort()).toEqual(
      ["aggregate_id", "aggregate_type", "event_id", "event_type", "occurred_at", "organization_id", "payload", "schema_version", "sequence", "user_id"],
    );
    const presence = await own.presence(`generation:${created.id}`);
    expect(Object.keys(presence).sort()).toEqual(["channel", "members"]);
    own.close();
  });
});

describe.each([["websocket"], ["sse"], ["poll"]] as const)("over %s", (transport) => {
  it("every event of every generation arrives once, in order, and the state matches", async () => {
    const { token: mine, user } = token();
    const client = nodeClient(api.base, mine, [transport]);
    const watched = record(client, [`user:${user}`]);
    await watched.until(() => client.connection.transport === transport, `a ${transport} connection`);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await client.createGeneration({ prompt: `${transport} ${i}` })).id);
    await watched.until(() => ids.every((id) => watched.ended(id)), "every generation's end");
    for (const id of ids) {
      const sequences = watched.sequences().get(id) ?? [];
      expect(sequences, id).toEqual(oneTo(sequences.length));
      const read = await client.getGeneration(id);
      expect(read.status).toBe("completed");
      expect(read.version).toBe(sequences.length);
      expect(read.images[0]?.url).toMatch(/\/v1\/images\//);
    }
    expect(client.connection.eventsReceived).toBe(watched.events.length);
    client.close();
  });
});

describe("REST", () => {
  it("an idempotency key makes one generation; ended ones cannot be cancelled; problems carry their code", async () => {
    const { token: mine } = token();
    const client = nodeClient(api.base, mine);
    const key = crypto.randomUUID();
    const [a, b] = await Promise.all([
      client.createGeneration({ prompt: "once" }, { idempotencyKey: key }),
      client.createGeneration({ prompt: "once" }, { idempotencyKey: key }),
    ]);
    expect(a.id).toBe(b.id);
    const refused = await client.createGeneration({ prompt: "" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImagegenError);
    expect((refused as ImagegenError).code).toBe("invalid_prompt");
    const page = await client.listGenerations({ limit: 5 });
    expect(page.items.map((g) => g.id)).toContain(a.id);
    const unknown = await client.getGeneration(crypto.randomUUID()).catch((e: unknown) => e);
    expect((unknown as ImagegenError).status).toBe(404);
  });

  it("watchGeneration long-polls one generation by its ETag until it moves", async () => {
    const { token: mine } = token();
    const client = nodeClient(api.base, mine);
    const created = await client.createGeneration({ prompt: "watched" });
    let etag: string | null = null;
    const statuses: string[] = [];
    for (let i = 0; i < 20 && statuses.at(-1) !== "completed"; i++) {
      const watched = await client.watchGeneration(created.id, etag, 10);
      expect(watched.etag).toBeTruthy();
      if (watched.generation) statuses.push(watched.generation.status);
      etag = watched.etag;
    }
    expect(statuses.at(-1)).toBe("completed");
    // Nothing moves any more: an unchanged copy is a 304 after the wait.
    const still = await client.watchGeneration(created.id, etag, 1);
    expect(still).toEqual({ generation: null, etag });
  });
});
