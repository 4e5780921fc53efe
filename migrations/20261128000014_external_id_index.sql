-- OpenAI's webhooks name only the provider's response id: find its generation by it.
CREATE INDEX image_generations_external_id ON image_generations (external_id, provider)
    WHERE external_id IS NOT NULL;
