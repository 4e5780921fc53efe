import { type Generation, type ImagegenClient, applyEvent, tokenSubject } from "@imagegen/client";
import type { QueryClient } from "@tanstack/react-query";

/** The query keys the integration writes: one per generation. */
export const generationKey = (id: string) => ["imagegen", "generation", id] as const;

/** Query options for a generation read over REST (`useQuery(generationQuery(client, id))`). */
export function generationQuery(client: ImagegenClient, id: string) {
  return { queryKey: generationKey(id), queryFn: () => client.getGeneration(id) };
}

/** Writes every pushed event of the user's channel into TanStack Query's cache: a
 * cached generation moves at once, and a completed one is invalidated so its image
 * URLs are read. Returns the unsubscribe. */
export async function syncQueryCache(client: ImagegenClient, queries: QueryClient): Promise<() => void> {
  const user = tokenSubject(await client.token());
  return client.subscribe([`user:${user}`], {
    onEvent: ({ envelope }) => {
      if (envelope.event_type === "SystemBroadcast") return;
      const key = generationKey(envelope.aggregate_id);
      const cached = queries.getQueryData<Generation>(key);
      if (!cached) return void queries.invalidateQueries({ queryKey: key });
      const moved = applyEvent(cached, envelope);
      queries.setQueryData(key, moved.generation);
      if (moved.needsRead) void queries.invalidateQueries({ queryKey: key });
    },
    onResync: () => void queries.invalidateQueries({ queryKey: ["imagegen"] }),
  });
}
