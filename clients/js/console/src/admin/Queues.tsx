import type { DeadLetter } from "@imagegen/client";
import { useImagegenClient } from "@imagegen/react";
import { useState } from "react";
import { usePolled } from "./polled.js";

/** Each queue's depths and throughput, with pause/resume and its dead letters. */
export function Queues() {
  const client = useImagegenClient();
  const queues = usePolled(() => client.admin.queues());
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className="queues">
      <h3>Queues</h3>
      {queues.error && <p role="alert" className="error">{queues.error}</p>}
      <table>
        <thead>
          <tr>
            {["Queue", "Waiting", "Active", "Delayed", "Dead", "Done/s", "State", ""].map((h) => (
              <th key={h} scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(queues.value ?? []).map((q) => (
            <tr key={q.name} data-testid={`queue-${q.name}`} data-paused={q.paused}>
              <th scope="row">{q.name}</th>
              <td data-testid="waiting">{q.waiting}</td>
              <td>{q.active}</td>
              <td>{q.delayed}</td>
              <td>
                <button type="button" className="link" onClick={() => setOpen(open === q.name ? null : q.name)} aria-expanded={open === q.name}>
                  {q.dead}
                </button>
              </td>
              <td>{q.throughput_per_sec === null || q.throughput_per_sec === undefined ? "–" : q.throughput_per_sec.toFixed(1)}</td>
              <td>{q.paused ? "⏸ paused" : "▶ running"}</td>
              <td>
                <button
                  type="button"
                  onClick={async () => {
                    await (q.paused ? client.admin.resume(q.name) : client.admin.pause(q.name));
                    queues.refresh();
                  }}
                >
                  {q.paused ? `Resume ${q.name}` : `Pause ${q.name}`}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && <DeadLetters queue={open} />}
    </div>
  );
}

function DeadLetters({ queue }: { queue: string }) {
  const client = useImagegenClient();
  const dead = usePolled<DeadLetter[]>(() => client.admin.deadLetters(queue), 5_000);
  return (
    <div className="dead">
      <h4>Dead letters of {queue}</h4>
      {dead.value?.length === 0 && <p>None.</p>}
      <ul>
        {(dead.value ?? []).map((d) => (
          <li key={d.id}>
            <code>{d.id.slice(0, 8)}</code> after {d.attempts} attempts: {d.last_error}{" "}
            <button type="button" onClick={async () => (await client.admin.retryDeadLetter(queue, d.id), dead.refresh())}>
              Retry
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
