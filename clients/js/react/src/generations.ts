import { type Generation, type GenerationInput, type ImagegenError, applyEvent, tokenSubject } from "@imagegen/client";
import { useCallback, useEffect, useState } from "react";
import { useImagegenClient } from "./context.js";
import { asError, newer } from "./generation.js";

export interface LiveGenerations {
  /** The user's generations, newest first. */
  generations: Generation[];
  error: ImagegenError | null;
  loading: boolean;
  /** Creates one (with an idempotency key, so a retried click makes one). */
  create(input: GenerationInput, idempotencyKey?: string): Promise<Generation>;
  cancel(id: string): Promise<void>;
}

/** The signed-in user's generations, live: the first page over REST, then every event
 * of the user's channel; a generation first seen in an event is read over REST. */
export function useGenerations(options: { limit?: number } = {}): LiveGenerations {
  const client = useImagegenClient();
  const limit = options.limit ?? 20;
  const [items, setItems] = useState<Generation[]>([]);
  const [error, setError] = useState<ImagegenError | null>(null);
  const [loading, setLoading] = useState(true);

  const merge = useCallback((read: Generation) => {
    setItems((list) => {
      const at = list.findIndex((g) => g.id === read.id);
      if (at < 0) return [read, ...list].sort((a, b) => b.created_at.localeCompare(a.created_at));
      const next = list.slice();
      next[at] = newer(list[at] ?? null, read);
      return next;
    });
  }, []);

  useEffect(() => {
    let active = true;
    let unsubscribe = () => {};
    const read = (id: string) => client.getGeneration(id).then((g) => active && merge(g), () => {});
    const readPage = () =>
      client.listGenerations({ limit }).then(
        (page) => {
          if (!active) return;
          page.items.forEach(merge);
          setLoading(false);
          setError(null);
        },
        (e: unknown) => active && (setError(asError(e)), setLoading(false)),
      );
    void client.token().then((token) => {
      if (!active) return;
      unsubscribe = client.subscribe([`user:${tokenSubject(token)}`], {
        onEvent: ({ envelope }) => {
          if (envelope.event_type === "SystemBroadcast") return;
          setItems((list) => {
            const at = list.findIndex((g) => g.id === envelope.aggregate_id);
            const known = list[at];
            if (!known) {
              void read(envelope.aggregate_id);
              return list;
            }
            const moved = applyEvent(known, envelope);
            if (moved.needsRead) void read(envelope.aggregate_id);
            const next = list.slice();
            next[at] = moved.generation;
            return next;
          });
        },
        onResync: () => void readPage(),
      });
      void readPage();
    });
    return () => {
      active = false;
      unsubscribe();
    };
  }, [client, limit, merge]);

  const create = useCallback(
    async (input: GenerationInput, idempotencyKey?: string) => {
      const created = await client.createGeneration(input, idempotencyKey ? { idempotencyKey } : {});
      merge(created);
      return created;
    },
    [client, merge],
  );
  const cancel = useCallback(
    async (id: string) => {
      merge(await client.cancelGeneration(id));
    },
    [client, merge],
  );
  return { generations: items, error, loading, create, cancel };
}
