-- The dual mode's consistency check: the end of a generation as the webhooks and as
-- the polls saw it (the first of each), and every disagreement between them.
CREATE TABLE delivery_observations (
    generation_id  UUID        NOT NULL,
    source         TEXT        NOT NULL,
    status         TEXT        NOT NULL,
    outputs        JSONB       NOT NULL,
    seen_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (generation_id, source)
);

CREATE TABLE delivery_mismatches (
    generation_id  UUID        NOT NULL,
    kind           TEXT        NOT NULL,
    webhook        JSONB       NOT NULL,
    poll           JSONB       NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (generation_id, kind)
);
CREATE INDEX delivery_mismatches_recent ON delivery_mismatches (recorded_at DESC);
