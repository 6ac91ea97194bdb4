import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const REGENERATE = 'run `npm run client` and review the diff: the contract changed';

function files(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(root, join(dir, entry.name)) : [relative(root, join(dir, entry.name))]))
    .sort();
}

/** The contract others code against changes only as a reviewed diff of openapi.json and client/. */
describe('the committed contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('openapi.json is exactly what the service serves at /docs-json', async () => {
    const served = (await t.http.get('/docs-json').expect(200)).body;
    const committed = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8'));
    expect({ served, hint: REGENERATE }).toEqual({ served: committed, hint: REGENERATE });
  });

  it('describes every answer with a schema: no empty body schemas, every operation documented', async () => {
    const document = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8'));
    const empty = Object.entries(document.components.schemas as Record<string, { properties?: object; additionalProperties?: boolean }>)
      .filter(([, schema]) => schema.properties && Object.keys(schema.properties).length === 0 && schema.additionalProperties !== false)
      .map(([name]) => name);
    expect(empty).toEqual([]);
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, { operationId?: string; summary?: string; responses: object }>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect({ at: `${method} ${path}`, id: typeof operation.operationId, summary: typeof operation.summary }).toEqual({ at: `${method} ${path}`, id: 'string', summary: 'string' });
      }
    }
  });

  it('client/ is exactly what the generator makes of openapi.json', () => {
    const out = mkdtempSync(join(tmpdir(), 'client-'));
    try {
      const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/@hey-api/openapi-ts/bin/run.js'), '-f', 'openapi-ts.config.mjs', '--silent'], {
        cwd: ROOT,
        env: { ...process.env, CLIENT_OUT: out },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      const committed = join(ROOT, 'client/src');
      expect(files(out)).toEqual(files(committed));
      for (const file of files(out)) {
        expect({ file, text: readFileSync(join(out, file), 'utf8') }).toEqual({ file, text: readFileSync(join(committed, file), 'utf8') });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
