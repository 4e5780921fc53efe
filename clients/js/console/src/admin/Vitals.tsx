import { useImagegenClient } from "@imagegen/react";
import { usePolled } from "./polled.js";

/** Sums a metric's series in the Prometheus text format (`name{...} value`). */
export function metricSum(text: string, name: string): number | null {
  let sum: number | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
      const value = Number(line.slice(line.lastIndexOf(" ") + 1));
      if (Number.isFinite(value)) sum = (sum ?? 0) + value;
    }
  }
  return sum;
}

/** Connections open on this api instance (its `/metrics`, when served here without a
 * token) and the webhook success rate (the delivery health every instance shares). */
export function Vitals() {
  const client = useImagegenClient();
  const metrics = usePolled(async () => {
    const answer = await client.platform.fetch(`${client.baseUrl}/metrics`);
    return answer.ok ? answer.text() : null;
  }, 3_000);
  const delivery = usePolled(() => client.admin.delivery(), 3_000);
  const connections = metrics.value ? metricSum(metrics.value, "imagegen_stream_connections") : null;
  const health = delivery.value?.health;
  const judged = health ? health.delivered + health.failed : 0;
  const rate = health && judged > 0 ? `${((100 * health.delivered) / judged).toFixed(1)} %` : "no webhooks yet";
  return (
    <dl className="vitals">
      <div>
        <dt>Connections open (this instance)</dt>
        <dd data-testid="connections">{connections ?? "n/a (metrics not served here)"}</dd>
      </div>
      <div>
        <dt>Webhook success</dt>
        <dd data-testid="webhook-rate">
          {rate}
          {health && health.refused > 0 && <small> ({health.refused} refused signatures)</small>}
        </dd>
      </div>
    </dl>
  );
}
