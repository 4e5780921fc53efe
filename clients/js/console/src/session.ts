// The console's token: from the link's fragment (`#access_token=...`, which a browser
// never sends to a server), kept for this tab only, and removed from the address bar.
import { tokenClaims } from "@imagegen/client";

const KEY = "imagegen.token";

export interface Session {
  token: string;
  userId: string;
  admin: boolean;
}

function sessionOf(token: string): Session | null {
  const claims = tokenClaims(token);
  return claims ? { token, userId: claims.sub, admin: claims.role === "admin" } : null;
}

/** The session from the fragment, else from this tab's storage. */
export function currentSession(): Session | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fromLink = fragment.get("access_token");
  if (fromLink) {
    window.sessionStorage.setItem(KEY, fromLink);
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  const token = fromLink ?? window.sessionStorage.getItem(KEY);
  return token ? sessionOf(token) : null;
}

export function signIn(token: string): Session | null {
  const session = sessionOf(token.trim());
  if (session) window.sessionStorage.setItem(KEY, session.token);
  return session;
}

export function signOut(): void {
  window.sessionStorage.removeItem(KEY);
}
