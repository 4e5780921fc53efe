import { useImagegenClient } from "@imagegen/react";
import { useEffect, useState } from "react";
import { Admin } from "./admin/Admin.js";
import { Announcer } from "./Announcer.js";
import { Broadcasts } from "./Broadcasts.js";
import { ConnectionIndicator } from "./ConnectionIndicator.js";
import { DebugPanel } from "./DebugPanel.js";
import { Generations } from "./Generations.js";
import type { Session } from "./session.js";

/** The enabled providers, from the api's own OpenAPI document. */
function useProviders(): string[] {
  const client = useImagegenClient();
  const [providers, setProviders] = useState<string[]>([]);
  useEffect(() => {
    void client.platform
      .fetch(`${client.baseUrl}/openapi.json`)
      .then((r) => r.json())
      .then((spec) => {
        const listed: unknown[] = spec?.components?.schemas?.SettingsIn?.properties?.provider?.enum ?? [];
        setProviders(listed.filter((p): p is string => typeof p === "string"));
      })
      .catch(() => setProviders([]));
  }, [client]);
  return providers;
}

export function Console({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const providers = useProviders();
  return (
    <>
      <header className="top">
        <h1>imagegen</h1>
        <ConnectionIndicator />
        <span className="who">
          {session.admin ? "admin" : "user"} <code title={session.userId}>{session.userId.slice(0, 8)}</code>
        </span>
        <button type="button" className="quiet" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <Broadcasts />
      <main>
        <Announcer>{(announce) => <Generations providers={providers} announce={announce} />}</Announcer>
        {session.admin && <Admin providers={providers} />}
        <DebugPanel />
      </main>
    </>
  );
}
