import type { ConnectionInfo } from "@imagegen/client";
import { useCallback, useRef, useSyncExternalStore } from "react";
import { useImagegenClient } from "./context.js";

/** The live connection's state, transport, latency and counters; re-renders on change. */
export function useRealtimeConnection(): ConnectionInfo & { retry(): void } {
  const client = useImagegenClient();
  const latest = useRef<ConnectionInfo>(client.connection);
  const subscribe = useCallback(
    (changed: () => void) =>
      client.onConnectionChange((info) => {
        latest.current = info;
        changed();
      }),
    [client],
  );
  const info = useSyncExternalStore(subscribe, () => latest.current, () => latest.current);
  return { ...info, retry: () => client.realtime.retryNow() };
}
