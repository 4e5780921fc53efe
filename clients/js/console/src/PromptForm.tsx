import type { Generation, GenerationInput } from "@imagegen/client";
import { useState } from "react";

const SIZES = ["512x512", "640x480", "768x768", "1024x1024"];

/** Prompt, size, seed and (where several are enabled) provider. One idempotency key
 * per submitted form, so a double click or a retried request makes one generation. */
export function PromptForm({ providers, create }: { providers: string[]; create: (input: GenerationInput, key?: string) => Promise<Generation> }) {
  const [prompt, setPrompt] = useState("");
  const [size, setSize] = useState("640x480");
  const [seed, setSeed] = useState("");
  const [provider, setProvider] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      className="prompt"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!prompt.trim() || busy) return;
        setBusy(true);
        setProblem(null);
        const settings: NonNullable<GenerationInput["settings"]> = { size };
        if (seed.trim()) settings.seed = Number(seed);
        if (provider) settings.provider = provider as never;
        try {
          await create({ prompt, settings }, crypto.randomUUID());
          setPrompt("");
        } catch (error) {
          setProblem(error instanceof Error ? error.message : String(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      <label htmlFor="prompt">Prompt</label>
      <textarea id="prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} rows={2} required placeholder="a lighthouse at dusk" />
      <div className="row">
        <label>
          Size
          <select value={size} onChange={(e) => setSize(e.target.value)}>
            {SIZES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Seed
          <input inputMode="numeric" pattern="[0-9]*" value={seed} onChange={(e) => setSeed(e.target.value)} placeholder="random" />
        </label>
        {providers.length > 1 && (
          <label>
            Provider
            <select value={provider} onChange={(e) => setProvider(e.target.value)}>
              <option value="">default</option>
              {providers.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Sending…" : "Generate"}
        </button>
      </div>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
    </form>
  );
}
