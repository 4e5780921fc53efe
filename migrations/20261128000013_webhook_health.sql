-- The automatic fallback: webhook outcomes per second (delivered, or failed: a refused
-- signature, an overdue webhook), and the breaker's state (one row).
CREATE TABLE webhook_health (
    second     TIMESTAMPTZ PRIMARY KEY,
    delivered  BIGINT      NOT NULL DEFAULT 0,
    failed     BIGINT      NOT NULL DEFAULT 0
);

CREATE TABLE delivery_breaker (
    id       SMALLINT    PRIMARY KEY CHECK (id = 1),
    breaker  JSONB       NOT NULL
);
