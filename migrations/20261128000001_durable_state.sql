-- Durable state: generations, their domain events, the webhook inbox and the job queue.
-- Run by `imagegen-api migrate` and at start-up (sqlx takes a lock, so several
-- instances starting at once apply it once).

-- The Generation aggregate, one row per generation. `user_id` is the column that
-- Supabase-style row-level security policies expect.
CREATE TABLE image_generations (
    id               UUID PRIMARY KEY,
    user_id          UUID        NOT NULL,
    organization_id  UUID        NOT NULL,
    prompt           TEXT        NOT NULL,
    settings         JSONB       NOT NULL,
    provider         TEXT        NOT NULL,
    external_id      TEXT,
    delivery_mode    TEXT        NOT NULL,
    status           TEXT        NOT NULL,
    progress         SMALLINT    NOT NULL CHECK (progress BETWEEN 0 AND 100),
    provider_outputs JSONB       NOT NULL,
    outputs          JSONB       NOT NULL,
    error            JSONB,
    created_at       TIMESTAMPTZ NOT NULL,
    started_at       TIMESTAMPTZ,
    completed_at     TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL,
    version          BIGINT      NOT NULL CHECK (version >= 0)
);
-- "A user's generations, newest first" (ids are UUID v7: id order is creation order).
CREATE INDEX image_generations_user_newest ON image_generations (user_id, id DESC);
CREATE INDEX image_generations_organization ON image_generations (organization_id, id DESC);

-- Domain events. `position` is the stream position: taken from the sequence only while
-- holding the event-append advisory lock, which is held until commit, so positions
-- are handed out in commit order (see docs/architecture.md, "Stream positions").
CREATE SEQUENCE domain_event_positions AS BIGINT;
CREATE TABLE domain_events (
    position        BIGINT PRIMARY KEY,
    event_id        UUID        NOT NULL UNIQUE,
    aggregate_id    UUID        NOT NULL,
    sequence        BIGINT      NOT NULL,
    user_id         UUID        NOT NULL,
    organization_id UUID        NOT NULL,
    event_type      TEXT        NOT NULL,
    occurred_at     TIMESTAMPTZ NOT NULL,
    envelope        JSONB       NOT NULL,
    UNIQUE (aggregate_id, sequence)
);
-- "Events after P for these channels, limit L" is an index scan per channel kind.
CREATE INDEX domain_events_user ON domain_events (user_id, position);
CREATE INDEX domain_events_organization ON domain_events (organization_id, position);
CREATE INDEX domain_events_aggregate ON domain_events (aggregate_id, position);

-- How far each relay has published.
CREATE TABLE relay_checkpoints (
    name     TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);

-- Webhook deliveries, once per (provider, webhook id); duplicates are dropped.
CREATE TABLE webhook_inbox (
    provider      TEXT        NOT NULL,
    webhook_id    TEXT        NOT NULL,
    generation_id UUID,
    state         TEXT        NOT NULL,
    body          JSONB       NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    processed_at  TIMESTAMPTZ,
    PRIMARY KEY (provider, webhook_id)
);
CREATE INDEX webhook_inbox_received ON webhook_inbox (received_at);

-- The job queue (FOR UPDATE SKIP LOCKED). A leased job has a lease token and an
-- expiry; an expired lease makes the job deliverable again.
CREATE TABLE jobs (
    id               UUID PRIMARY KEY,
    queue            TEXT        NOT NULL,
    payload          JSONB       NOT NULL,
    idempotency_key  TEXT UNIQUE,
    priority         SMALLINT    NOT NULL,
    run_at           TIMESTAMPTZ NOT NULL,
    attempts         INTEGER     NOT NULL DEFAULT 0,
    max_attempts     INTEGER     NOT NULL,
    lease_token      UUID,
    lease_expires_at TIMESTAMPTZ,
    enqueued_seq     BIGSERIAL   NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
-- The next ready job of a queue is the first entry of this index (reserve's order).
CREATE INDEX jobs_ready ON jobs (queue, priority DESC, enqueued_seq) WHERE lease_token IS NULL;
-- Expired leases, found and handed back by reserve.
CREATE INDEX jobs_leases ON jobs (queue, lease_expires_at) WHERE lease_token IS NOT NULL;

CREATE TABLE dead_jobs (
    id         UUID PRIMARY KEY,
    queue      TEXT        NOT NULL,
    payload    JSONB       NOT NULL,
    attempts   INTEGER     NOT NULL,
    last_error TEXT        NOT NULL,
    failed_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX dead_jobs_queue ON dead_jobs (queue, failed_at DESC);

-- Completed counts, spread over shards so that concurrent completions do not queue up
-- on one row lock; a queue's count is the sum of its shards.
CREATE TABLE queue_counters (
    queue     TEXT     NOT NULL,
    shard     SMALLINT NOT NULL,
    completed BIGINT   NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, shard)
);
