import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';

export const TEST_ISSUER = 'https://issuer.test';
export const TEST_AUDIENCE = 'customer-accounts-test';

export interface TokenClaims {
  sub?: string;
  partnerId?: string;
  partnerType?: string;
  roles?: string[];
}

/** A fresh HS256 secret per test app, so no test depends on another's key. */
export function testSecret(): string {
  return randomBytes(48).toString('base64url');
}

/** Signs a real token the way an identity provider would; options let a test break one part. */
export function mintToken(
  secret: string,
  claims: TokenClaims = {},
  options: { issuer?: string; audience?: string; expiresIn?: string | number; alg?: string } = {},
): Promise<string> {
  return new SignJWT({
    partner_id: claims.partnerId ?? 'partner-a',
    partner_type: claims.partnerType ?? 'direct-csp',
    roles: claims.roles ?? ['admin-agent'],
  })
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setSubject(claims.sub ?? 'user-1')
    .setIssuer(options.issuer ?? TEST_ISSUER)
    .setAudience(options.audience ?? TEST_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(secret));
}
