-- Presence in the durable mode: who watches a channel now, shared by every api
-- instance on the database. A member's lease is renewed while its connection lives;
-- rows of a dead instance expire and are swept when the channel is next read.
CREATE TABLE presence_members (
    channel        TEXT        NOT NULL,
    connection_id  UUID        NOT NULL,
    user_id        UUID        NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel, connection_id)
);
