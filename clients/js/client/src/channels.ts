import type { Envelope } from "./types.js";

/** The channels an event goes to: its user's, its organization's, its generation's;
 * `system` for broadcasts. */
export function channelsOf(envelope: Envelope): string[] {
  if (envelope.event_type === "SystemBroadcast") return ["system"];
  return [
    `user:${envelope.user_id}`,
    `organization:${envelope.organization_id}`,
    `generation:${envelope.aggregate_id}`,
  ];
}

/** The claims a console shows: who, and whether an operator. */
export function tokenClaims(token: string): { sub: string; role: string; org_id: string } | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4)));
    return { sub: String(claims.sub), role: String(claims.role ?? "user"), org_id: String(claims.org_id) };
  } catch {
    return null;
  }
}

/** The user id inside a JWT's `sub` (not verified: the server does that). */
export function tokenSubject(token: string): string | null {
  return tokenClaims(token)?.sub ?? null;
}
