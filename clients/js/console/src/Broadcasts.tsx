import { useImagegenClient } from "@imagegen/react";
import { useEffect, useState } from "react";

/** Messages an admin sent to `system`, newest first, until dismissed. */
export function Broadcasts() {
  const client = useImagegenClient();
  const [messages, setMessages] = useState<{ id: string; text: string }[]>([]);
  useEffect(
    () =>
      client.subscribe(["system"], {
        onEvent: ({ envelope }) => {
          const message = envelope.payload.message;
          const text = typeof message === "string" ? message : JSON.stringify(message);
          setMessages((list) => [{ id: envelope.event_id, text }, ...list].slice(0, 5));
        },
      }),
    [client],
  );
  if (!messages.length) return null;
  return (
    <section className="broadcasts" aria-label="Announcements">
      {messages.map((m) => (
        <div key={m.id} className="broadcast" role="alert" data-testid="broadcast">
          <span>
            <strong>Announcement:</strong> {m.text}
          </span>
          <button type="button" className="quiet" aria-label="Dismiss" onClick={() => setMessages((l) => l.filter((x) => x.id !== m.id))}>
            ✕
          </button>
        </div>
      ))}
    </section>
  );
}
