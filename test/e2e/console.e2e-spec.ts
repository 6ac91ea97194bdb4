import { INestApplication } from '@nestjs/common';
import { loadConfig } from '@app/platform';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { createApp } from '../../apps/api/src/bootstrap';
import { startTestApp, TestApp } from '../support/test-app';

const BUILT = existsSync(resolve(__dirname, '../../dist/console/index.html'));

describe('the console: served at /console, development sign-in only with the generated secret', () => {
  describe('on a service with a configured key', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startTestApp()));
    afterAll(() => t.close());

    it('has no development sign-in', async () => {
      expect((await t.http.get('/dev/token')).status).toBe(404);
      const minted = await t.http.post('/dev/token').send({ partnerId: 'p', partnerType: 'direct-csp', roles: ['admin-agent'] });
      expect(minted.status).toBe(404);
      expect(minted.body.token).toBeUndefined();
    });

    it('serves the page for every client-side route, and no page for a missing asset', async () => {
      const page = await t.http.get('/console/customers/3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f/history');
      if (BUILT) {
        expect(page.status).toBe(200);
        expect(page.headers['content-type']).toMatch(/^text\/html/);
        expect(page.headers['cache-control']).toBe('no-cache');
        // No inline script: a strict script-src 'self' holds.
        expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
        const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(page.text)![1];
        const js = await t.http.get(asset);
        expect(js.status).toBe(200);
        expect(js.headers['cache-control']).toContain('immutable');
      } else {
        expect(page.status).toBe(404);
        expect(page.body.detail).toContain('npm run build');
      }
      expect((await t.http.get('/console/assets/missing-0000.js')).status).toBe(404);
    });

    it('keeps the console and the development sign-in out of the OpenAPI document', async () => {
      const paths = Object.keys((await t.http.get('/docs-json')).body.paths);
      expect(paths.length).toBeGreaterThan(10);
      expect(paths.filter((p) => p.startsWith('/console') || p.startsWith('/dev'))).toEqual([]);
    });
  });

  describe('on the embedded default with the generated development secret', () => {
    let app: INestApplication;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'console-dev-'));
      app = await createApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
      await app.init();
    });
    afterAll(async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('mints a token for a chosen partner, type and roles that the API accepts', async () => {
      const http = request(app.getHttpServer());
      const offered = await http.get('/dev/token');
      expect(offered.status).toBe(200);
      expect(offered.body.roles).toContain('auditor');
      const minted = await http.post('/dev/token').send({ partnerId: 'dev-partner', partnerType: 'indirect-reseller', roles: ['helpdesk-agent'], sub: 'dana' });
      expect(minted.status).toBe(200);
      const token = minted.body.token as string;
      expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())).toMatchObject({
        partner_id: 'dev-partner',
        partner_type: 'indirect-reseller',
        roles: ['helpdesk-agent'],
        sub: 'dana',
      });
      expect((await http.get('/v1/customers').set('Authorization', `Bearer ${token}`)).status).toBe(200);
      // The API still decides: a helpdesk agent of a reseller may read, not write.
      const write = await http.post('/v1/customers').set('Authorization', `Bearer ${token}`).send({ tenantId: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f', companyName: 'X', domain: 'x.example' });
      expect(write.status).toBe(403);
    });

    it('refuses a bad request with every problem at once', async () => {
      const refused = await request(app.getHttpServer()).post('/dev/token').send({ partnerId: '', partnerType: 'cloud', roles: ['root'], extra: 1 });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
      expect(refused.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'partnerId', 'partnerType', 'roles']);
    });
  });
});
