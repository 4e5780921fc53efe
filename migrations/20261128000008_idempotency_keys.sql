-- Idempotency-Key on POST /v1/generations: a user's key names one generation for 24 h.
CREATE TABLE idempotency_keys (
    user_id        UUID        NOT NULL,
    key            TEXT        NOT NULL,
    request_hash   TEXT        NOT NULL,
    generation_id  UUID        NOT NULL,
    claimed_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, key)
);
