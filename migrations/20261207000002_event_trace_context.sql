-- The W3C trace context of the span that saved each event (NULL when traces are not
-- exported), so the push of the event continues the trace of the move that caused it.
ALTER TABLE domain_events ADD COLUMN traceparent TEXT;
