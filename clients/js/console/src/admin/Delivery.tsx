import type { DeliveryPolicy } from "@imagegen/client";
import { useImagegenClient } from "@imagegen/react";
import { useState } from "react";
import { usePolled } from "./polled.js";

const BREAKER = { closed: "closed: webhooks", open: "open: everyone polls", half_open: "half open: probing webhooks" } as const;

/** The delivery policy (mode, rollout percentage, overrides), the automatic
 * fallback's state, and the dual mode's mismatches. */
export function Delivery() {
  const client = useImagegenClient();
  const status = usePolled(() => client.admin.delivery(), 3_000);
  const mismatches = usePolled(() => client.admin.mismatches(), 5_000);
  const [problem, setProblem] = useState<string | null>(null);
  const policy = status.value;
  const save = async (patch: Partial<DeliveryPolicy>) => {
    try {
      await client.admin.patchDelivery(patch);
      setProblem(null);
      status.refresh();
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    }
  };
  if (!policy) return <p>Loading the delivery policy…</p>;
  return (
    <div className="delivery">
      <h3>Delivery</h3>
      <div className="row wrap">
        <label>
          Mode
          <select value={policy.mode} onChange={(e) => void save({ mode: e.target.value as DeliveryPolicy["mode"] })}>
            <option value="webhook">webhook</option>
            <option value="dual">dual</option>
            <option value="polling">polling</option>
          </select>
        </label>
        <label>
          Rollout %
          <input
            type="number"
            min={0}
            max={100}
            defaultValue={policy.percentage}
            key={policy.percentage}
            onBlur={(e) => void save({ percentage: Number(e.target.value) })}
          />
        </label>
        <span>Global override: {policy.global_override ?? "none"}</span>
        <span>User overrides: {Object.keys(policy.user_overrides ?? {}).length}</span>
      </div>
      <p data-testid="breaker">
        Automatic fallback: <strong>{BREAKER[policy.automatic.state] ?? policy.automatic.state}</strong>
        {policy.automatic.state !== "closed" && policy.automatic.since && <> since {new Date(policy.automatic.since).toLocaleTimeString()}</>} · webhooks delivered{" "}
        {policy.health.delivered}, failed {policy.health.failed}
      </p>
      <p>Dual-mode mismatches: {mismatches.value?.total ?? "–"}</p>
      {problem && <p role="alert" className="error">{problem}</p>}
    </div>
  );
}
