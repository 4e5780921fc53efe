import { ImagegenError, retryAfterMs } from "./problem.js";
import { type ClientOptions, type Platform, platformOf, tokenOf } from "./options.js";
import type {
  DeadLetter,
  DeliveryPatch,
  DeliveryPolicy,
  DeliveryStatus,
  Envelope,
  Generation,
  GenerationInput,
  GenerationPage,
  Mismatches,
  Presence,
  ProblemBody,
  ProviderCalls,
  ProviderTest,
  Queue,
} from "./types.js";

/** A page of `GET /v1/events/poll`. */
export interface PollPage {
  events: { position: number; data: Envelope }[];
  next_position: number;
  resync?: boolean;
}

/** A generation read with `wait`: the new copy and its `ETag`, or `null` if nothing
 * changed within the wait. */
export interface Watched {
  generation: Generation | null;
  etag: string | null;
}

/** Typed calls for the api's REST surface. */
export class Rest {
  readonly baseUrl: string;
  private readonly options: ClientOptions;
  readonly platform: Platform;

  constructor(options: ClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.platform = platformOf(options);
  }

  /** The current token (from the token source). */
  token(refresh = false): Promise<string> {
    return tokenOf(this.options.token, refresh);
  }

  /** One request; problems become `ImagegenError`s. */
  async request(method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token()}`, ...init.headers };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    let answer: Response;
    try {
      answer = await this.platform.fetch(this.baseUrl + path, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal,
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new ImagegenError(0, null, null);
    }
    if (answer.ok || answer.status === 304) return answer;
    const problem = (await answer.json().catch(() => null)) as ProblemBody | null;
    throw new ImagegenError(answer.status, problem, retryAfterMs(answer.headers.get("retry-after")));
  }

  private async json<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const answer = await this.request(method, path, { body, headers });
    return (await answer.json()) as T;
  }

  /** `POST /v1/generations`: the pending generation at once. With an idempotency
   * key, a repeat of the same request answers with the first one's generation. */
  createGeneration(input: GenerationInput, options: { idempotencyKey?: string } = {}): Promise<Generation> {
    const headers = options.idempotencyKey ? { "idempotency-key": options.idempotencyKey } : undefined;
    return this.json("POST", "/v1/generations", input, headers);
  }

  getGeneration(id: string): Promise<Generation> {
    return this.json("GET", `/v1/generations/${encodeURIComponent(id)}`);
  }

  /** Waits up to `waitSeconds` (at most 60) for the generation to differ from the copy
   * named by `etag`. */
  async watchGeneration(id: string, etag: string | null, waitSeconds = 30, signal?: AbortSignal): Promise<Watched> {
    const headers: Record<string, string> = etag ? { "if-none-match": etag } : {};
    const path = `/v1/generations/${encodeURIComponent(id)}?wait=${waitSeconds}`;
    const answer = await this.request("GET", path, { headers, signal });
    const tag = answer.headers.get("etag");
    if (answer.status === 304) return { generation: null, etag: tag ?? etag };
    return { generation: (await answer.json()) as Generation, etag: tag };
  }

  listGenerations(options: { limit?: number; before?: string } = {}): Promise<GenerationPage> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    if (options.before) query.set("before", options.before);
    const suffix = query.size ? `?${query}` : "";
    return this.json("GET", `/v1/generations${suffix}`);
  }

  cancelGeneration(id: string): Promise<Generation> {
    return this.json("POST", `/v1/generations/${encodeURIComponent(id)}/cancel`);
  }

  presence(channel: string): Promise<Presence> {
    return this.json("GET", `/v1/channels/${encodeURIComponent(channel)}/presence`);
  }

  /** `GET /v1/events/poll`: the events of `channels` after `after`. */
  pollEvents(channels: string[], after: number, limit = 100, signal?: AbortSignal): Promise<PollPage> {
    const query = new URLSearchParams(channels.map((c) => ["channel", c]));
    query.set("after", String(after));
    query.set("limit", String(limit));
    return this.request("GET", `/v1/events/poll?${query}`, { signal }).then((a) => a.json() as Promise<PollPage>);
  }

  /** The admin endpoints (role `admin`). */
  readonly admin = {
    queues: () => this.json<{ queues: Queue[] }>("GET", "/admin/queues").then((q) => q.queues),
    pause: (queue: string) => this.request("POST", `/admin/queues/${queue}/pause`).then(() => undefined),
    resume: (queue: string) => this.request("POST", `/admin/queues/${queue}/resume`).then(() => undefined),
    setConcurrency: (queue: string, concurrency: number | null) =>
      this.json("PUT", `/admin/queues/${queue}/concurrency`, { concurrency }),
    deadLetters: (queue: string, limit = 20) =>
      this.json<{ dead: DeadLetter[] }>("GET", `/admin/queues/${queue}/dead?limit=${limit}`).then((d) => d.dead),
    retryDeadLetter: (queue: string, jobId: string) =>
      this.request("POST", `/admin/queues/${queue}/dead/${encodeURIComponent(jobId)}/retry`).then(() => undefined),
    delivery: () => this.json<DeliveryStatus>("GET", "/admin/delivery"),
    setDelivery: (policy: DeliveryPolicy) => this.json<DeliveryPolicy>("PUT", "/admin/delivery", policy),
    patchDelivery: (patch: DeliveryPatch) => this.json<DeliveryPolicy>("PATCH", "/admin/delivery", patch),
    mismatches: () => this.json<Mismatches>("GET", "/admin/delivery/mismatches"),
    broadcast: (message: unknown) => this.request("POST", "/admin/broadcast", { body: { message } }).then(() => undefined),
    providers: () => this.json<{ providers: ProviderCalls[] }>("GET", "/admin/providers").then((p) => p.providers),
    testProvider: (name: string) => this.json<ProviderTest>("POST", `/admin/providers/${encodeURIComponent(name)}/test`),
  };
}
