import { type ReactNode, useCallback, useState } from "react";

/** A polite live region: status changes are read out by screen readers. */
export function Announcer({ children }: { children: (announce: (text: string) => void) => ReactNode }) {
  const [text, setText] = useState("");
  const announce = useCallback((next: string) => setText(next), []);
  return (
    <>
      {children(announce)}
      <div className="visually-hidden" aria-live="polite" role="status" data-testid="announcer">
        {text}
      </div>
    </>
  );
}
