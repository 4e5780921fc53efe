-- Events older than the retention are deleted (a cleanup-tasks job); the newest
-- position deleted so far is kept here, so that a client resuming from before it is
-- told to re-fetch state (resync) instead of silently missing events.
CREATE TABLE event_retention (
    only_row        BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    pruned_through  BIGINT  NOT NULL
);
CREATE INDEX domain_events_occurred_at ON domain_events (occurred_at);
