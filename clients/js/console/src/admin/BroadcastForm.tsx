import { useImagegenClient } from "@imagegen/react";
import { useState } from "react";

/** A message to every connection watching `system`, on every api instance. */
export function BroadcastForm() {
  const client = useImagegenClient();
  const [text, setText] = useState("");
  const [note, setNote] = useState<string | null>(null);
  return (
    <form
      className="broadcast-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!text.trim()) return;
        try {
          await client.admin.broadcast(text);
          setText("");
          setNote("Sent.");
        } catch (error) {
          setNote(error instanceof Error ? error.message : String(error));
        }
      }}
    >
      <h3>Broadcast</h3>
      <label htmlFor="broadcast">Message to everyone</label>
      <input id="broadcast" value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} />
      <button type="submit">Send broadcast</button>
      {note && <p role="status">{note}</p>}
    </form>
  );
}
