-- The polling fallback: how often a quiet generation was polled and when its next poll
-- is due. Not part of the aggregate: the reconciler claims rows by these columns.
ALTER TABLE image_generations
    ADD COLUMN poll_attempts INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN next_poll_at  TIMESTAMPTZ;
-- Only generations waiting on their provider are ever looked at.
CREATE INDEX image_generations_waiting ON image_generations (updated_at)
    WHERE status IN ('starting', 'processing') AND external_id IS NOT NULL;
