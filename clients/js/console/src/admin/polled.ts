import { useCallback, useEffect, useRef, useState } from "react";

/** A value read now and every `everyMs` while the page is visible (the admin
 * endpoints, polled gently); `refresh` reads it again at once. */
export function usePolled<T>(read: () => Promise<T>, everyMs = 2_000): { value: T | null; error: string | null; refresh: () => void } {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reader = useRef(read);
  reader.current = read;
  const refresh = useCallback(() => {
    reader.current().then(
      (v) => {
        setValue(v);
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  useEffect(() => {
    refresh();
    const timer = setInterval(() => document.visibilityState === "visible" && refresh(), everyMs);
    return () => clearInterval(timer);
  }, [refresh, everyMs]);
  return { value, error, refresh };
}
