-- Operating the Postgres queue: paused queues, and what a dead letter needs to be put
-- back on its queue as it was.
CREATE TABLE paused_queues (
    queue TEXT PRIMARY KEY
);
ALTER TABLE dead_jobs
    ADD COLUMN priority     SMALLINT NOT NULL DEFAULT 0,
    ADD COLUMN max_attempts INTEGER  NOT NULL DEFAULT 8;
