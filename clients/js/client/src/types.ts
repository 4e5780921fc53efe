// The wire types. REST bodies come from the api's OpenAPI document (`openapi.ts`,
// generated); the event envelope and the shapes the document leaves open are written
// here and checked against the server's answers by the integration tests.
import type { components } from "./openapi.js";

type Schemas = components["schemas"];

/** A generation, as `GET /v1/generations/{id}` returns it. */
export type Generation = Omit<Schemas["GenerationOut"], "status"> & { status: GenerationStatus };
/** A page of the caller's generations, newest first. */
export type GenerationPage = { items: Generation[]; next_cursor?: string | null };
/** What `POST /v1/generations` takes. */
export type GenerationInput = Schemas["GenerationIn"];
/** A stored image of a completed generation. */
export type Image = Schemas["ImageOut"];
/** A failed generation's error. */
export type GenerationError = Schemas["ErrorOut"];
/** One queue, as admins see it. */
export type Queue = Schemas["QueueOut"];
/** A dead letter. */
export type DeadLetter = Schemas["DeadLetterOut"];
/** The delivery policy an admin sets. */
export type DeliveryPolicy = Schemas["DeliveryPolicyDoc"];
/** A partial delivery policy for `PATCH /admin/delivery`. */
export type DeliveryPatch = Schemas["DeliveryPatchDoc"];
/** Provider call counts. */
export type ProviderCalls = Schemas["ProviderCallsOut"];
/** An RFC 9457 problem, with imagegen's stable `code`. */
export type ProblemBody = Schemas["Problem"];

/** Where a generation is. */
export type GenerationStatus =
  | "pending"
  | "starting"
  | "processing"
  | "storing"
  | "completed"
  | "failed"
  | "cancelled";

/** Statuses a generation never leaves. */
export const FINAL_STATUSES: readonly GenerationStatus[] = ["completed", "failed", "cancelled"];

/** The domain event types a stream carries, and the unstored broadcast. */
export type EventType =
  | "GenerationStarted"
  | "GenerationStatusChanged"
  | "GenerationCompleted"
  | "GenerationFailed"
  | "GenerationCancelled"
  | "SystemBroadcast";

/** Every event type, for transports that listen by name (SSE). */
export const EVENT_TYPES: readonly EventType[] = [
  "GenerationStarted",
  "GenerationStatusChanged",
  "GenerationCompleted",
  "GenerationFailed",
  "GenerationCancelled",
  "SystemBroadcast",
];

/** The JSON envelope of every pushed event. */
export interface Envelope {
  event_id: string;
  event_type: EventType;
  aggregate_type: string;
  aggregate_id: string;
  /** The generation's version after this move: 1, 2, 3... */
  sequence: number;
  schema_version: number;
  occurred_at: string;
  user_id: string;
  organization_id: string;
  payload: EventPayload;
}

/** The payload: always the new `status`; the rest by event type. */
export interface EventPayload {
  status?: GenerationStatus;
  previous_status?: GenerationStatus;
  progress?: number;
  provider?: string;
  external_id?: string;
  images?: { id: string; content_type: string; width: number; height: number; bytes: number }[];
  error?: GenerationError;
  /** `SystemBroadcast`: the admin's message, unchanged. */
  message?: unknown;
}

/** An event as a subscription hands it over. */
export interface PushedEvent {
  /** The stream position (absent for broadcasts, which are not stored). */
  position: number | null;
  /** The channel it came on, or matched. */
  channel: string;
  envelope: Envelope;
  /** Milliseconds from the event's `occurred_at` to its arrival here. */
  latencyMs: number;
}

/** `GET /v1/channels/{channel}/presence`. */
export interface Presence {
  channel: string;
  members: { user_id: string; connections: number }[];
}

/** `GET /admin/delivery`: the policy with the automatic fallback's state and health. */
export interface DeliveryStatus extends DeliveryPolicy {
  automatic: { state: "closed" | "open" | "half_open"; since?: string | null };
  health: { delivered: number; failed: number; refused: number };
}

/** `GET /admin/delivery/mismatches`. */
export interface Mismatches {
  total: number;
  mismatches: {
    generation_id: string;
    kind: "status" | "outputs" | "timing";
    webhook: unknown;
    poll: unknown;
    recorded_at: string;
  }[];
}

/** `POST /admin/providers/{name}/test`. */
export interface ProviderTest {
  provider: string;
  ok: boolean;
  generation_id: string | null;
  round_trip_ms: number | null;
  status: string | null;
  detail: string | null;
}
