-- "How many of this user's generations are still running" (the in-flight limit) is an
-- index-only count over the unfinished ones.
CREATE INDEX image_generations_in_flight ON image_generations (user_id)
    WHERE status NOT IN ('completed', 'failed', 'cancelled');
