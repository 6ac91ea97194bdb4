import { Actor, PARTNER_TYPES, PartnerType, ROLES, Role } from '@app/domain';
import { createPublicKey, createSecretKey } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, JWTPayload } from 'jose';
import { AppConfig } from '../config/config';
import { problems } from '../errors/problem';

/** How far a token's `iat` may lie ahead of this clock: the skew between two honest clocks. */
const CLOCK_SKEW_SECONDS = 60;
/** How long a verified token is trusted without checking its signature again (never past its `exp`). */
const VERIFIED_TTL_MS = 30_000;
const VERIFIED_CAPACITY = 10_000;

/**
 * Verifies bearer tokens: algorithms pinned per key type (never taken from the token), issuer,
 * audience and expiry required, and the partner claims checked before they become an Actor.
 */
export class TokenVerifier {
  private readonly verifyJwt: (token: string) => Promise<{ payload: JWTPayload }>;
  /**
   * Tokens verified lately, by their exact text (signature included, so no other text can hit):
   * callers send the same token with many requests, and the signature check was a tenth of a
   * command's CPU. A hit still honours `exp` and `nbf`; a JWKS key withdrawn stops a cached token
   * within VERIFIED_TTL_MS.
   */
  private readonly verified = new Map<string, { actor: Actor; until: number; notBefore: number }>();

  constructor({ key, issuer, audience }: AppConfig['auth']) {
    const checks = { issuer, audience, requiredClaims: ['exp', 'sub'] };
    if (key.kind === 'secret') {
      // A KeyObject made once: given the bytes, jose would build one on every call.
      const secret = createSecretKey(key.secret);
      this.verifyJwt = (token) => jwtVerify(token, secret, { ...checks, algorithms: ['HS256'] });
    } else if (key.kind === 'public-key') {
      const publicKey = createPublicKey(key.pem);
      const algorithms = publicKey.asymmetricKeyType === 'ec' ? ['ES256'] : ['RS256'];
      this.verifyJwt = (token) => jwtVerify(token, publicKey, { ...checks, algorithms });
    } else {
      const keySet = createRemoteJWKSet(new URL(key.uri));
      this.verifyJwt = (token) => jwtVerify(token, keySet, { ...checks, algorithms: ['RS256', 'ES256'] });
    }
  }

  async verify(token: string): Promise<Actor> {
    return this.trusted(token) ?? this.verifyNow(token);
  }

  /** The caller of a token verified lately and still within its time, without checking it again. */
  trusted(token: string): Actor | undefined {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && now < hit.until && now >= hit.notBefore) return hit.actor;
    if (hit) this.verified.delete(token);
    return undefined;
  }

  private async verifyNow(token: string): Promise<Actor> {
    let payload: JWTPayload;
    try {
      ({ payload } = await this.verifyJwt(token));
    } catch (error) {
      throw problems.unauthenticated(error instanceof joseErrors.JWTExpired ? 'The token has expired.' : 'The token is not valid.');
    }
    // jose checks iat only for a maximum age; a token from the future is a forgery or a broken clock.
    if (payload.iat !== undefined && payload.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) throw problems.unauthenticated('The token was issued in the future.');
    const actor = toActor(payload);
    this.remember(token, actor, payload);
    return actor;
  }

  private remember(token: string, actor: Actor, payload: JWTPayload): void {
    // jose answers "expired" once now >= exp (no clock tolerance here), and "not yet" while now < nbf.
    const until = Math.min(Date.now() + VERIFIED_TTL_MS, (payload.exp ?? 0) * 1000);
    if (this.verified.size >= VERIFIED_CAPACITY) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { actor, until, notBefore: (payload.nbf ?? 0) * 1000 });
  }
}

function toActor(payload: JWTPayload): Actor {
  const { sub, partner_id: partnerId, partner_type: partnerType, roles } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '') throw problems.unauthenticated('The token has no subject.');
  if (typeof partnerId !== 'string' || partnerId === '' || partnerId.length > 128 || /[\u0000-\u001f]/.test(partnerId))
    throw problems.unauthenticated('The token has no valid partner_id.');
  if (!PARTNER_TYPES.includes(partnerType as PartnerType)) throw problems.unauthenticated('The token has no valid partner_type.');
  if (!Array.isArray(roles)) throw problems.unauthenticated('The token has no roles array.');
  // Roles this service does not know grant nothing here.
  const known = roles.filter((r): r is Role => ROLES.includes(r as Role));
  return { sub, partnerId, partnerType: partnerType as PartnerType, roles: known };
}
