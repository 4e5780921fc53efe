import { type Envelope, FINAL_STATUSES, type Generation, type GenerationStatus } from "./types.js";

/** Whether a generation has ended. */
export function isFinal(status: GenerationStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** A generation moved by a pushed event, or the same object when the event is not
 * newer than the copy (its `sequence` is not above the copy's `version`): replays and
 * duplicates change nothing. A completed event's images carry no URL, so `images`
 * keeps the copy's until it is read again over REST (`needsRead`). */
export function applyEvent(generation: Generation, envelope: Envelope): { generation: Generation; needsRead: boolean } {
  if (envelope.aggregate_id !== generation.id || envelope.sequence <= generation.version) {
    return { generation, needsRead: false };
  }
  const payload = envelope.payload;
  const next: Generation = {
    ...generation,
    version: envelope.sequence,
    status: payload.status ?? generation.status,
    updated_at: envelope.occurred_at,
  };
  if (payload.progress !== undefined) next.progress = payload.progress;
  if (payload.external_id !== undefined) next.external_id = payload.external_id;
  if (payload.error !== undefined) next.error = payload.error;
  if (envelope.event_type === "GenerationCompleted") next.progress = 100;
  const needsRead = envelope.event_type === "GenerationCompleted" || envelope.sequence > generation.version + 1;
  return { generation: next, needsRead };
}
