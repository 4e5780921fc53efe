-- The job outbox of the distributed mode: jobs saved with a move wait here, in the
-- move's transaction, until a dispatcher moves them to the Redis queue.
CREATE TABLE job_outbox (
    id              UUID PRIMARY KEY,
    queue           TEXT        NOT NULL,
    payload         JSONB       NOT NULL,
    idempotency_key TEXT,
    priority        SMALLINT    NOT NULL,
    run_at          TIMESTAMPTZ NOT NULL,
    max_attempts    INTEGER     NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX job_outbox_oldest ON job_outbox (created_at, id);
