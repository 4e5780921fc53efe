import { useRealtimeConnection } from "@imagegen/react";

/** What the connection knows: channels, their positions, counts. */
export function DebugPanel() {
  const c = useRealtimeConnection();
  return (
    <details className="panel debug">
      <summary>Connection details</summary>
      <dl>
        <dt>State</dt>
        <dd data-testid="debug-state">{c.state}</dd>
        <dt>Transport</dt>
        <dd>{c.transport ?? "none"}</dd>
        <dt>Events received</dt>
        <dd data-testid="debug-events">{c.eventsReceived}</dd>
        <dt>Reconnects</dt>
        <dd data-testid="debug-reconnects">{c.reconnects}</dd>
        <dt>Last push latency</dt>
        <dd>{c.lastLatencyMs === null ? "n/a" : `${Math.round(c.lastLatencyMs)} ms`}</dd>
      </dl>
      <table>
        <caption>Channels</caption>
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Position</th>
          </tr>
        </thead>
        <tbody>
          {c.channels.map((channel) => (
            <tr key={channel}>
              <td>
                <code>{channel}</code>
              </td>
              <td>{c.positions[channel] ?? "live"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
