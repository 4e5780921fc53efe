import type { ProviderTest as Result } from "@imagegen/client";
import { useImagegenClient } from "@imagegen/react";
import { useState } from "react";

/** A webhook round trip through a provider: a small generation, then up to 30 s for
 * the provider's webhook to move it. */
export function ProviderTest({ providers }: { providers: string[] }) {
  const client = useImagegenClient();
  const [running, setRunning] = useState<string | null>(null);
  const [result, setResult] = useState<Result | string | null>(null);
  return (
    <div className="provider-test">
      <h3>Webhook round trip</h3>
      {providers.map((name) => (
        <button
          key={name}
          type="button"
          disabled={running !== null}
          onClick={async () => {
            setRunning(name);
            setResult(null);
            try {
              setResult(await client.admin.testProvider(name));
            } catch (e) {
              setResult(e instanceof Error ? e.message : String(e));
            } finally {
              setRunning(null);
            }
          }}
        >
          {running === name ? `Testing ${name}…` : `Test ${name}`}
        </button>
      ))}
      {typeof result === "string" && <p role="alert" className="error">{result}</p>}
      {result && typeof result === "object" && (
        <p role="status" data-testid="provider-test">
          {result.ok ? "✓" : "✕"} {result.provider}: {result.ok ? `round trip ${result.round_trip_ms} ms` : result.detail}
        </p>
      )}
    </div>
  );
}
