import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const hasGo = spawnSync('go', ['version']).status === 0;
if (!hasGo) {
  if (process.env.CI) throw new Error('CI validates docker-compose.yml with Go; no Go toolchain was found.');
  console.warn('SKIPPED docker-compose.yml validation: no Go toolchain (it runs the Compose spec loader).');
}

/**
 * Builds the Compose specification's own loader once (cached; see scripts/go-tool.sh) so the test
 * compares only what the checker prints, never Go's download or build chatter on a cold cache.
 */
function buildChecker(): string {
  const build = spawnSync(join(ROOT, 'scripts/go-tool.sh'), ['test/support/compose-check'], { encoding: 'utf8', timeout: 300_000 });
  if (build.status !== 0) throw new Error(`Could not build the Compose checker:\n${build.stderr}`);
  return build.stdout.trim();
}

/** Runs the checker over a file: the services it defines on stdout, or why it is invalid on stderr. */
function check(checker: string, file: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(checker, [file], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

(hasGo ? describe : describe.skip)('docker-compose.yml', () => {
  let checker: string;
  beforeAll(() => {
    checker = buildChecker();
  }, 300_000);

  it('validates against the Compose specification and names the five always-on services (Jaeger and Grafana are profiles)', () => {
    const result = check(checker, join(ROOT, 'docker-compose.yml'), { AUTH_JWT_SECRET: 'dev-only-secret-for-validation-0123456789', PII_MASTER_KEY: 'AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=' });
    expect(result).toEqual({ status: 0, stdout: 'api\neventstore\nmongodb\nprojector\nprometheus\n', stderr: '' });
  });

  it('validates the cluster file too: three EventStoreDB nodes, three MongoDB members, the API and the projector', () => {
    const result = check(checker, join(ROOT, 'docker-compose.cluster.yml'), { AUTH_JWT_SECRET: 'dev-only-secret-for-validation-0123456789' });
    expect(result).toEqual({
      status: 0,
      stdout: 'api\neventstore1\neventstore2\neventstore3\nmongodb1\nmongodb2\nmongodb3\nprojector\n',
      stderr: '',
    });
    const cluster = readFileSync(join(ROOT, 'docker-compose.cluster.yml'), 'utf8');
    // Two replicas of each process of ours.
    expect(cluster.match(/replicas: 2/g)).toHaveLength(2);
  });

  it('refuses to start without a signing secret rather than run with a default one', () => {
    const result = check(checker, join(ROOT, 'docker-compose.yml'), { AUTH_JWT_SECRET: '', PII_MASTER_KEY: 'AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('AUTH_JWT_SECRET');
  });

  it('refuses to start without a personal-data master key rather than run with a default one', () => {
    const result = check(checker, join(ROOT, 'docker-compose.yml'), { AUTH_JWT_SECRET: 'dev-only-secret-for-validation-0123456789', PII_MASTER_KEY: '' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PII_MASTER_KEY');
  });
});

describe('Dockerfile', () => {
  it('is multi-stage, runs as a non-root user and has a healthcheck', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
  });

  it('copies everything `npm run build` reads, the console and the client it calls included', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    for (const dir of ['apps', 'libs', 'client', 'console']) expect(dockerfile).toMatch(new RegExp(`^COPY ${dir} ${dir}$`, 'm'));
  });

  it('copies the dependency patches before npm ci, whose postinstall applies them', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.indexOf('\nCOPY patches patches\n')).toBeGreaterThan(-1);
    expect(dockerfile.indexOf('\nCOPY patches patches\n')).toBeLessThan(dockerfile.indexOf('\nRUN npm ci'));
  });
});
