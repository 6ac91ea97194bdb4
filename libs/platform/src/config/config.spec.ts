import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEV_AUDIENCE, DEV_ISSUER, DEV_MASTER_KEY_FILE, DEV_SECRET_FILE, isDevelopmentAuth, loadConfig } from './config';

const SECRET = 'x'.repeat(40);

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const MASTER_KEY = Buffer.alloc(32, 1).toString('base64');

describe('loadConfig', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'config-'));

  it('applies the documented defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' });
    expect(config).toMatchObject({ port: 3000, eventStore: { kind: 'embedded' }, readStore: { kind: 'embedded' }, readWaitMs: 2000, runProjector: true, projectorLeaseMs: 10000 });
    expect(config.auth.key.kind).toBe('secret');
  });

  it('applies the documented rate limits and idempotency retention by default, and reads them', () => {
    const env = { DATA_DIR: dataDir(), AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' };
    expect(loadConfig(env)).toMatchObject({ rateLimits: { windowSeconds: 1, perPartner: 10_000, perAddress: 100 }, idempotencyRetentionHours: 24 });
    const set = loadConfig({ ...env, RATE_LIMIT_WINDOW_SECONDS: '60', RATE_LIMIT_PER_PARTNER: '0', RATE_LIMIT_PER_ADDRESS: '5', IDEMPOTENCY_RETENTION_HOURS: '168' });
    expect(set).toMatchObject({ rateLimits: { windowSeconds: 60, perPartner: 0, perAddress: 5 }, idempotencyRetentionHours: 168 });
  });

  it('refuses rate limits and a retention out of range, all at once', () => {
    const env = { DATA_DIR: dataDir(), AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' };
    expect(problemsOf({ ...env, RATE_LIMIT_WINDOW_SECONDS: '0', RATE_LIMIT_PER_PARTNER: '-1', RATE_LIMIT_PER_ADDRESS: '1.5', IDEMPOTENCY_RETENTION_HOURS: '0' })).toEqual([
      expect.stringContaining('RATE_LIMIT_WINDOW_SECONDS'),
      expect.stringContaining('RATE_LIMIT_PER_PARTNER'),
      expect.stringContaining('RATE_LIMIT_PER_ADDRESS'),
      expect.stringContaining('IDEMPOTENCY_RETENTION_HOURS'),
    ]);
    expect(problemsOf({ ...env, IDEMPOTENCY_RETENTION_HOURS: 'a day' })).toEqual([expect.stringContaining('IDEMPOTENCY_RETENTION_HOURS must be an integer from 1 to 8760')]);
  });

  it('generates an owner-only development secret once, with development issuer and audience', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.auth).toMatchObject({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
    expect(first.auth.key.kind === 'secret' && first.auth.key.generatedAt).toBe(join(dir, DEV_SECRET_FILE));
    expect(second.auth.key).toEqual({ kind: 'secret', development: true, secret: new TextEncoder().encode(readFileSync(join(dir, DEV_SECRET_FILE), 'utf8')) });
    expect(statSync(join(dir, DEV_SECRET_FILE)).mode & 0o777).toBe(0o600);
  });

  it('calls only the generated secret development auth, even when a configured one borrows its issuer', () => {
    expect(isDevelopmentAuth(loadConfig({ DATA_DIR: dataDir() }).auth)).toBe(true);
    const borrowed = loadConfig({ DATA_DIR: dataDir(), AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: DEV_ISSUER, AUTH_AUDIENCE: DEV_AUDIENCE });
    expect(isDevelopmentAuth(borrowed.auth)).toBe(false);
  });

  it('listens on loopback only with the generated development secret, unless HOST opens it; on every interface with a configured key', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).host).toBe('127.0.0.1');
    expect(loadConfig({ DATA_DIR: dataDir(), HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ DATA_DIR: dataDir(), AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }).host).toBeUndefined();
  });

  it('bounds every store call with documented defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' });
    expect(config.timeouts).toEqual({ storeCallMs: 1500, mongoServerSelectionMs: 1000, mongoSocketMs: 30000, eventStoreDeadlineMs: 1500, sqliteBusyMs: 1000 });
    expect(problemsOf({ STORE_CALL_TIMEOUT_MS: '0' })).toEqual(expect.arrayContaining([expect.stringContaining('STORE_CALL_TIMEOUT_MS')]));
  });

  it('limits heap growth to 50 % unless HEAP_GROWTH_PERCENT says otherwise (0 leaves it to V8)', () => {
    const config = (env: NodeJS.ProcessEnv) => loadConfig({ DATA_DIR: dataDir(), AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', ...env });
    expect(config({}).heapGrowthPercent).toBe(50);
    expect(config({ HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(problemsOf({ HEAP_GROWTH_PERCENT: '-5' })).toEqual(expect.arrayContaining([expect.stringContaining('HEAP_GROWTH_PERCENT must be an integer from 0 to 400')]));
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ PORT: 'eighty', EVENT_STORE: 'cassandra', AUTH_JWT_SECRET: 'short', READ_WAIT_MS: '-1' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('PORT'),
        expect.stringContaining('EVENT_STORE'),
        expect.stringContaining('AUTH_JWT_SECRET'),
        expect.stringContaining('READ_WAIT_MS'),
        expect.stringContaining('AUTH_ISSUER'),
        expect.stringContaining('AUTH_AUDIENCE'),
      ]),
    );
  });

  it('refuses more than one kind of key', () => {
    expect(problemsOf({ AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URI: 'https://idp.example/keys', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' })).toEqual([
      expect.stringContaining('only one'),
    ]);
  });

  it('reads the production stores and requires their addresses', () => {
    const config = loadConfig({
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:2113?tls=false',
      READ_STORE: 'mongodb',
      MONGODB_URI: 'mongodb://127.0.0.1:27017',
      AUTH_JWT_SECRET: SECRET,
      AUTH_ISSUER: 'i',
      AUTH_AUDIENCE: 'a',
      PII_MASTER_KEY: MASTER_KEY,
    });
    expect(config.eventStore).toEqual({ kind: 'eventstoredb', connectionString: 'esdb://127.0.0.1:2113?tls=false' });
    expect(config.readStore).toEqual({ kind: 'mongodb', uri: 'mongodb://127.0.0.1:27017', database: 'customer_accounts', maxWritesPerCommand: 20 });
    expect(problemsOf({ EVENT_STORE: 'eventstoredb', READ_STORE: 'mongodb', AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', PII_MASTER_KEY: MASTER_KEY })).toEqual([
      expect.stringContaining('EVENTSTORE_CONNECTION_STRING'),
      expect.stringContaining('MONGODB_URI'),
    ]);
  });

  it('refuses to generate a development secret outside the all-embedded default', () => {
    const dir = dataDir();
    expect(problemsOf({ DATA_DIR: dir, READ_STORE: 'mongodb', MONGODB_URI: 'mongodb://127.0.0.1:27017' })).toEqual(
      expect.arrayContaining([expect.stringContaining('only the all-embedded default')]),
    );
  });

  it('requires issuer and audience with a configured key', () => {
    expect(problemsOf({ AUTH_JWT_SECRET: SECRET })).toHaveLength(2);
  });

  describe('the personal-data master key', () => {
    it('generates a development key under DATA_DIR on the all-embedded default, and reads it back', () => {
      const dir = dataDir();
      const first = loadConfig({ DATA_DIR: dir });
      const second = loadConfig({ DATA_DIR: dir });
      expect(first.personalData).toMatchObject({ development: true, generatedAt: join(dir, DEV_MASTER_KEY_FILE) });
      expect(first.personalData.masterKey).toHaveLength(32);
      expect(second.personalData.generatedAt).toBeUndefined();
      expect(second.personalData.masterKey.equals(first.personalData.masterKey)).toBe(true);
    });

    it('is required outside the all-embedded default', () => {
      expect(problemsOf({ READ_STORE: 'mongodb', MONGODB_URI: 'mongodb://127.0.0.1:27017', AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' })).toEqual([
        expect.stringContaining('PII_MASTER_KEY'),
      ]);
    });

    it('takes 32 bytes as base64 or hex, and refuses anything else', () => {
      const env = { DATA_DIR: dataDir(), AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' };
      expect(loadConfig({ ...env, PII_MASTER_KEY: MASTER_KEY }).personalData.masterKey.equals(Buffer.alloc(32, 1))).toBe(true);
      expect(loadConfig({ ...env, PII_MASTER_KEY: 'ab'.repeat(32) }).personalData.masterKey.equals(Buffer.alloc(32, 0xab))).toBe(true);
      expect(problemsOf({ ...env, PII_MASTER_KEY: 'too-short' })).toEqual([expect.stringContaining('PII_MASTER_KEY must be 32 bytes')]);
      expect(problemsOf({ ...env, PII_MASTER_KEY: MASTER_KEY, PII_PREVIOUS_MASTER_KEYS: 'x' })).toEqual([expect.stringContaining('PII_PREVIOUS_MASTER_KEYS[0]')]);
    });
  });
});
