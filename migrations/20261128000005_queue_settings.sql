-- What an operator set for a queue at run time (the admin api); workers read it every
-- few seconds. A queue without a row uses the workers' configuration.
CREATE TABLE queue_settings (
    queue       TEXT PRIMARY KEY,
    concurrency INTEGER NOT NULL CHECK (concurrency > 0)
);
