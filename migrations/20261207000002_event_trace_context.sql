-- What each event's push needs to know of its cause: the W3C trace context of the span
-- that saved it (NULL when traces are not exported), so the push continues that trace;
-- and when the webhook that caused it arrived (NULL for other moves), for the
-- receipt-to-push latency.
ALTER TABLE domain_events ADD COLUMN traceparent TEXT;
ALTER TABLE domain_events ADD COLUMN webhook_received_at TIMESTAMPTZ;
