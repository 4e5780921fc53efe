import { type Generation, isFinal } from "@imagegen/client";

const STATUS = {
  pending: { icon: "…", text: "Pending" },
  starting: { icon: "▷", text: "Starting" },
  processing: { icon: "⚙", text: "Processing" },
  storing: { icon: "⇣", text: "Storing" },
  completed: { icon: "✓", text: "Completed" },
  failed: { icon: "!", text: "Failed" },
  cancelled: { icon: "■", text: "Cancelled" },
} as const;

/** One generation: its status moving through its states, progress, the image when
 * done, the error in words when failed, cancel while it runs. */
export function GenerationCard({ generation: g, onCancel }: { generation: Generation; onCancel: () => void }) {
  const status = STATUS[g.status] ?? { icon: "?", text: g.status };
  const image = g.images[0];
  return (
    <li className={`card status-${g.status}`} data-testid="card" data-status={g.status} data-id={g.id}>
      <div className="frame">
        {image ? (
          <img src={image.url} alt={g.prompt} width={image.width} height={image.height} />
        ) : (
          <div className="placeholder" aria-hidden="true" />
        )}
      </div>
      <p className="prompt-text">{g.prompt}</p>
      <p className="status" data-testid="status">
        <span className="pill">
          <span aria-hidden="true">{status.icon}</span> {status.text}
        </span>
        {!isFinal(g.status) && (
          <span className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={g.progress} aria-label="Progress">
            <span style={{ width: `${g.progress}%` }} />
          </span>
        )}
      </p>
      {g.error && (
        <p className="error" data-testid="error">
          {g.error.message} <code>{g.error.code}</code>
        </p>
      )}
      <p className="meta">
        <span>{g.provider}</span> · <time dateTime={g.created_at}>{new Date(g.created_at).toLocaleTimeString()}</time>
      </p>
      {!isFinal(g.status) && (
        <button type="button" className="quiet" onClick={onCancel} aria-label={`Cancel “${g.prompt.slice(0, 40)}”`}>
          Cancel
        </button>
      )}
    </li>
  );
}
