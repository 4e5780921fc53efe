import type { Generation } from "@imagegen/client";
import { useGenerations } from "@imagegen/react";
import { useEffect, useRef } from "react";
import { GenerationCard } from "./GenerationCard.js";
import { PromptForm } from "./PromptForm.js";

/** The prompt form and the user's generations, newest first, live. */
export function Generations({ providers, announce }: { providers: string[]; announce: (text: string) => void }) {
  const { generations, error, loading, create, cancel } = useGenerations({ limit: 30 });
  useStatusAnnouncements(generations, announce);
  return (
    <section className="panel generations" aria-labelledby="generations-title">
      <h2 id="generations-title">Generate</h2>
      <PromptForm providers={providers} create={create} />
      {error && (
        <p role="alert" className="error">
          Could not load your generations: {error.message}
        </p>
      )}
      {loading ? (
        <p>Loading…</p>
      ) : generations.length === 0 ? (
        <p className="empty">Nothing yet: type a prompt above.</p>
      ) : (
        <ol className="cards" aria-label="Your generations">
          {generations.map((g) => (
            <GenerationCard key={g.id} generation={g} onCancel={() => cancel(g.id)} />
          ))}
        </ol>
      )}
    </section>
  );
}

/** Says each status change once (the first listing is not news). */
function useStatusAnnouncements(generations: Generation[], announce: (text: string) => void) {
  const known = useRef<Map<string, string> | null>(null);
  useEffect(() => {
    const previous = known.current;
    const next = new Map(generations.map((g) => [g.id, g.status]));
    known.current = next;
    if (!previous) return;
    for (const g of generations) {
      if (previous.get(g.id) !== g.status) announce(`“${g.prompt.slice(0, 60)}” is ${g.status}`);
    }
  }, [generations, announce]);
}
