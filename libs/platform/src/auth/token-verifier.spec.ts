import { SignJWT } from 'jose';
import { TokenVerifier } from './token-verifier';

const SECRET = new TextEncoder().encode('a-test-secret-that-is-at-least-32-bytes-long');
const issuer = 'urn:test';
const audience = 'urn:test:api';
const T0 = Date.UTC(2026, 0, 1);

function token(claims: { exp: number; nbf?: number }, secret = SECRET): Promise<string> {
  const jwt = new SignJWT({ partner_id: 'p1', partner_type: 'direct-csp', roles: ['admin-agent'], nbf: claims.nbf })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('agent')
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(T0 / 1000)
    .setExpirationTime(claims.exp);
  return jwt.sign(secret);
}

describe('TokenVerifier: verified tokens remembered', () => {
  const verifier = () => new TokenVerifier({ key: { kind: 'secret', secret: SECRET }, issuer, audience });

  beforeEach(() => jest.useFakeTimers({ now: T0, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('refuses a remembered token once it expires', async () => {
    const v = verifier();
    const t = await token({ exp: T0 / 1000 + 10 });
    await expect(v.verify(t)).resolves.toMatchObject({ sub: 'agent', partnerId: 'p1' });
    jest.setSystemTime(T0 + 9_999);
    await expect(v.verify(t)).resolves.toMatchObject({ sub: 'agent' });
    jest.setSystemTime(T0 + 10_000);
    await expect(v.verify(t)).rejects.toThrow();
  });

  it('never accepts another text for a remembered token, and still accepts the token after its time in memory', async () => {
    const v = verifier();
    const t = await token({ exp: T0 / 1000 + 3600 });
    await v.verify(t);
    const forged = `${t.slice(0, t.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
    await expect(v.verify(forged)).rejects.toThrow();
    await expect(v.verify(await token({ exp: T0 / 1000 + 3600 }, new TextEncoder().encode('another-secret-of-at-least-32-bytes-long!')))).rejects.toThrow();
    jest.setSystemTime(T0 + 31_000);
    await expect(v.verify(t)).resolves.toMatchObject({ sub: 'agent' });
  });
});
