-- Refused signatures are counted apart from the outcomes the automatic fallback
-- judges: anyone can send them, so they must never move the breaker.
ALTER TABLE webhook_health ADD COLUMN refused BIGINT NOT NULL DEFAULT 0;

-- A generation whose provider lost its prediction is submitted again, once.
ALTER TABLE image_generations ADD COLUMN resubmitted BOOLEAN NOT NULL DEFAULT false;
