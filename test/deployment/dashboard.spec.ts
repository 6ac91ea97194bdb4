import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';

const DASHBOARD = join(__dirname, '../../deploy/grafana/dashboards/customer-accounts.json');

/** The metric names a PromQL expression selects (a name followed by a matcher or a range). */
function metricsOf(expr: string): string[] {
  return [...expr.matchAll(/([a-z_:][a-z0-9_:]*)\s*[{[]/g)].map((m) => m[1].replace(/_(bucket|count|sum)$/, ''));
}

describe('the Grafana dashboard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('queries only metrics the service exposes', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const exposed = (await t.http.get('/metrics').expect(200)).text;
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((target) => metricsOf(target.expr)));
    expect(used.length).toBeGreaterThan(10);
    const missing = [...new Set(used)].filter((name) => !exposed.includes(`# TYPE ${name} `));
    expect(missing).toEqual([]);
  });
});
