-- Provider calls by provider and reason (create, reconcile, cancel), counted by every
-- process that calls a provider: the admin api's measure of polling.
CREATE TABLE provider_calls (
    provider  TEXT   NOT NULL,
    reason    TEXT   NOT NULL,
    calls     BIGINT NOT NULL,
    PRIMARY KEY (provider, reason)
);
