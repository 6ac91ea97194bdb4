import type { Actor, PartnerType, Role } from '../../libs/domain/src/actor.js';
import { can, type Permission } from '../../libs/domain/src/policy.js';

/** The signed-in caller as the token says; the API checks the token on every call and decides. */
export interface Session {
  readonly token: string;
  readonly actor: Actor;
  /** Seconds since the epoch. */
  readonly expiresAt?: number;
}

// Session storage: one browser tab's sign-in survives a reload of that tab and ends with it;
// the token never goes into a URL.
const KEY = 'customer-accounts.console.token';

/** Reads the claims of a JWT (without checking it: the API does that) into the domain's Actor. */
export function sessionOf(token: string): Session | string {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return 'That is not a JWT: it should be three base64url parts separated by dots.';
  let claims: Record<string, unknown>;
  try {
    const bytes = Uint8Array.from(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return 'The token’s claims could not be read.';
  }
  const roles = Array.isArray(claims.roles) ? (claims.roles.filter((r) => typeof r === 'string') as Role[]) : [];
  return {
    token: token.trim(),
    actor: { sub: String(claims.sub ?? ''), partnerId: String(claims.partner_id ?? ''), partnerType: String(claims.partner_type ?? '') as PartnerType, roles },
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
  };
}

export function loadSession(): Session | undefined {
  const token = sessionStorage.getItem(KEY);
  if (!token) return undefined;
  const session = sessionOf(token);
  return typeof session === 'string' || expired(session) ? undefined : session;
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, session.token);
  else sessionStorage.removeItem(KEY);
}

export function expired(session: Session): boolean {
  return session.expiresAt !== undefined && session.expiresAt * 1000 <= Date.now();
}

/** Whether to offer a control: the same policy the API enforces (libs/domain), read from the claims. */
export function allows(session: Session, permission: Permission): boolean {
  return can(session.actor, permission);
}
