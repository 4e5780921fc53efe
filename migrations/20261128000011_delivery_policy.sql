-- The delivery policy (webhook, dual or polling per user: the rollout), one row for
-- the deployment; no row means the default, webhooks for everyone.
CREATE TABLE delivery_policy (
    id          SMALLINT    PRIMARY KEY CHECK (id = 1),
    policy      JSONB       NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
