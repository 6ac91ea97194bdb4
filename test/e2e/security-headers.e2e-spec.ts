import { startTestApp, TestApp } from '../support/test-app';

describe('security headers (helmet)', () => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await startTestApp();
    auth = `Bearer ${await t.token()}`;
  });
  afterAll(() => t.close());

  it('marks API answers, errors included, nosniff, unframeable and never to be cached (they carry billing data)', async () => {
    for (const res of [await t.http.get('/v1/customers').set('Authorization', auth).expect(200), await t.http.get('/v1/customers').expect(401)]) {
      expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
    expect((await t.http.get('/health/live').expect(200)).headers['x-content-type-options']).toBe('nosniff');
  });

  it('gives the docs page its own content-security policy and forbids framing it', async () => {
    const res = await t.http.get('/docs/').expect(200);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.text).toContain('swagger-ui-init.js');
  });
});
