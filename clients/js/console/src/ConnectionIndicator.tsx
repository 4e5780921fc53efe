import { useRealtimeConnection } from "@imagegen/react";

const LABELS = {
  idle: { text: "Not connected", mark: "○", tone: "red" },
  connecting: { text: "Connecting", mark: "◌", tone: "yellow" },
  connected: { text: "Live", mark: "●", tone: "green" },
  reconnecting: { text: "Reconnecting", mark: "↻", tone: "red" },
  fallback: { text: "Polling (streams unavailable)", mark: "⇅", tone: "blue" },
  offline: { text: "Disconnected", mark: "✕", tone: "red" },
} as const;

const TRANSPORTS = { websocket: "WebSocket", sse: "Server-sent events", poll: "polling" } as const;

/** The connection at a glance: a mark and words (never colour alone), the transport,
 * the last push's latency, and a retry button when it is down. */
export function ConnectionIndicator() {
  const connection = useRealtimeConnection();
  const label = LABELS[connection.state];
  const down = connection.state === "reconnecting" || connection.state === "offline";
  return (
    <div className={`connection tone-${label.tone}`} data-state={connection.state} data-testid="connection">
      <span aria-hidden="true" className="mark">
        {label.mark}
      </span>
      <span className="state">{label.text}</span>
      {connection.transport && connection.state !== "fallback" && (
        <span className="detail">via {TRANSPORTS[connection.transport]}</span>
      )}
      {connection.lastLatencyMs !== null && <span className="detail">last push {Math.round(connection.lastLatencyMs)} ms</span>}
      {down && (
        <button type="button" onClick={connection.retry}>
          Retry now
        </button>
      )}
    </div>
  );
}
