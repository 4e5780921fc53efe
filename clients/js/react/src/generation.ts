import { type Generation, ImagegenError, applyEvent } from "@imagegen/client";
import { useEffect, useState } from "react";
import { useImagegenClient } from "./context.js";

export interface LiveGeneration {
  generation: Generation | null;
  error: ImagegenError | null;
  loading: boolean;
}

/** One generation, read over REST and kept current by its channel's events. */
export function useGeneration(id: string | null | undefined): LiveGeneration {
  const client = useImagegenClient();
  const [state, setState] = useState<LiveGeneration>({ generation: null, error: null, loading: Boolean(id) });
  useEffect(() => {
    if (!id) return;
    let active = true;
    const read = () =>
      client.getGeneration(id).then(
        (generation) => active && setState((s) => ({ generation: newer(s.generation, generation), error: null, loading: false })),
        (error: unknown) => active && setState((s) => ({ ...s, error: asError(error), loading: false })),
      );
    const unsubscribe = client.subscribe([`generation:${id}`], {
      onEvent: ({ envelope }) =>
        setState((s) => {
          if (!s.generation) return s;
          const moved = applyEvent(s.generation, envelope);
          if (moved.needsRead) void read();
          return { ...s, generation: moved.generation };
        }),
      onResync: () => void read(),
    });
    void read();
    return () => {
      active = false;
      unsubscribe();
    };
  }, [client, id]);
  return state;
}

/** The copy with the higher version (a REST read may be older than a pushed event). */
export function newer(current: Generation | null, read: Generation): Generation {
  return current && current.id === read.id && current.version > read.version ? current : read;
}

export function asError(error: unknown): ImagegenError {
  return error instanceof ImagegenError ? error : new ImagegenError(0, null, null);
}
