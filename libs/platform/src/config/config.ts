import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOG_FORMATS, LOG_LEVELS, LogSettings } from '../logging/logger';

export type AuthKey =
  | { readonly kind: 'secret'; readonly secret: Uint8Array; readonly generatedAt?: string; readonly development?: true }
  | { readonly kind: 'public-key'; readonly pem: string }
  | { readonly kind: 'jwks'; readonly uri: string };

/** What every process of the service needs: where the stores are. */
export interface StoresConfig {
  readonly dataDir: string;
  readonly eventStore: { readonly kind: 'embedded' } | { readonly kind: 'eventstoredb'; readonly connectionString: string };
  readonly readStore:
    | { readonly kind: 'embedded' }
    | {
        readonly kind: 'mongodb';
        readonly uri: string;
        readonly database: string;
        /** At most this many writes in one update command (FerretDB 1.24 deadlocks near 100). */
        readonly maxWritesPerCommand: number;
      };
  /** How long a projector's lease lasts without renewal: the takeover time when one dies. */
  readonly projectorLeaseMs: number;
  /** Readiness fails when a projection is further behind than this (seconds since the oldest unprojected event). */
  readonly readyMaxLagSeconds: number;
  /** LOG_LEVEL and LOG_FORMAT. */
  readonly log: LogSettings;
  /** How long each store may take before a caller is told it is unavailable. */
  readonly timeouts: StoreTimeouts;
  /** HEAP_GROWTH_PERCENT: how far V8 lets the heap grow past what survived the last full collection (0: V8's own rule). */
  readonly heapGrowthPercent: number;
}

export interface StoreTimeouts {
  /** The bound on every store call a request makes (the service's own, whatever the driver does). */
  readonly storeCallMs: number;
  /** MongoDB: how long to look for a reachable server before failing an operation. */
  readonly mongoServerSelectionMs: number;
  /** MongoDB: how long a connection may sit without an answer before it is closed. */
  readonly mongoSocketMs: number;
  /** EventStoreDB: the gRPC deadline of each append. */
  readonly eventStoreDeadlineMs: number;
  /** SQLite: how long to wait for another process's write lock (this blocks the process, so keep it short). */
  readonly sqliteBusyMs: number;
}

/**
 * The master keys that wrap the per-relationship data keys of personal data: `current` wraps new
 * ones; `previous` only unwrap, until a rotation has rewrapped everything under `current`.
 */
export interface PersonalDataConfig {
  readonly masterKey: Buffer;
  readonly previousMasterKeys: readonly Buffer[];
  /** Set when a development master key was generated under DATA_DIR on this start. */
  readonly generatedAt?: string;
  /** Set when the development master key under DATA_DIR is used. */
  readonly development?: boolean;
}

/** The API process: the stores plus HTTP and token checking. */
export interface AppConfig extends StoresConfig {
  readonly personalData: PersonalDataConfig;
  readonly port: number;
  /**
   * The address to listen on. With the generated development secret it is loopback only, since
   * anyone who can read DATA_DIR can mint tokens; otherwise every interface.
   */
  readonly host: string | undefined;
  readonly auth: { readonly key: AuthKey; readonly issuer: string; readonly audience: string };
  /** How long a read with `minPosition` waits for the views before answering 503. */
  readonly readWaitMs: number;
  /** Whether this process also runs the projections (the embedded default does). */
  readonly runProjector: boolean;
  /** RATE_LIMIT_*: how many requests a partner, or an address without a valid token, may make. */
  readonly rateLimits: RateLimitConfig;
  /** How long an idempotency record answers for its key (IDEMPOTENCY_RETENTION_HOURS). */
  readonly idempotencyRetentionHours: number;
}

/** Requests per fixed window; a limit of 0 turns that limit off. */
export interface RateLimitConfig {
  readonly windowSeconds: number;
  /** Per partner (the token's partner_id), for authenticated calls. */
  readonly perPartner: number;
  /** Per client address, for /v1 calls without a valid token (missing, malformed or refused). */
  readonly perAddress: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Development-only issuer and audience, used only with the generated development secret. */
export const DEV_ISSUER = 'urn:customer-accounts:dev';
export const DEV_AUDIENCE = 'urn:customer-accounts:api';
export const DEV_SECRET_FILE = 'dev-jwt-secret';
/** Safe on FerretDB 1.24 (see `MONGODB_MAX_WRITES_PER_COMMAND` in the README). */
export const DEFAULT_MONGODB_MAX_WRITES_PER_COMMAND = 20;

/**
 * Reads and checks the whole environment at start, reporting every problem at once. With no key
 * configured on the embedded default it generates a development secret under DATA_DIR.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const stores = storesOf(env, problems);
  const port = integer(env, 'PORT', 3000, 0, 65535, problems);
  const readWaitMs = integer(env, 'READ_WAIT_MS', 2000, 0, 60000, problems);
  const runProjector = choice(env, 'RUN_PROJECTOR', ['true', 'false'] as const, problems) !== 'false';
  const auth = authOf(env, stores, problems);
  const personalData = personalDataOf(env, stores, problems);
  const rateLimits = rateLimitsOf(env, problems);
  const idempotencyRetentionHours = integer(env, 'IDEMPOTENCY_RETENTION_HOURS', DEFAULT_IDEMPOTENCY_RETENTION_HOURS, 1, 8760, problems);
  if (problems.length > 0 || !auth || !personalData) throw new ConfigError(problems);
  // Anyone who can read DATA_DIR can mint tokens for the generated secret: keep it on this machine.
  const host = env.HOST || (isDevelopmentAuth(auth) ? '127.0.0.1' : undefined);
  return { ...stores, port, host, auth, readWaitMs, runProjector, personalData, rateLimits, idempotencyRetentionHours };
}

/** For processes that open personal data but serve no HTTP (the CLI's export and key rotation). */
export function loadPersonalDataConfig(stores: StoresConfig, env: NodeJS.ProcessEnv = process.env): PersonalDataConfig {
  const problems: string[] = [];
  const personalData = personalDataOf(env, stores, problems);
  if (problems.length > 0 || !personalData) throw new ConfigError(problems);
  return personalData;
}

export const DEV_MASTER_KEY_FILE = 'dev-pii-master-key';

function personalDataOf(env: NodeJS.ProcessEnv, { dataDir, eventStore, readStore }: StoresConfig, problems: string[]): PersonalDataConfig | undefined {
  const previousMasterKeys = (env.PII_PREVIOUS_MASTER_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k, i) => masterKeyOf(k, `PII_PREVIOUS_MASTER_KEYS[${i}]`, problems));
  if (env.PII_MASTER_KEY) return { masterKey: masterKeyOf(env.PII_MASTER_KEY, 'PII_MASTER_KEY', problems), previousMasterKeys };
  if (eventStore.kind !== 'embedded' || readStore.kind !== 'embedded') {
    problems.push('Set PII_MASTER_KEY (32 random bytes, base64 or hex): only the all-embedded default may generate a development master key.');
    return undefined;
  }
  if (problems.length > 0) return undefined;
  const { key, generatedAt } = devMasterKey(dataDir);
  return { masterKey: key, previousMasterKeys, generatedAt, development: true };
}

/** 32 bytes as 64 hex digits or base64 (standard or URL-safe). */
function masterKeyOf(raw: string, name: string, problems: string[]): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) problems.push(`${name} must be 32 bytes, as 64 hex digits or base64 (e.g. openssl rand -base64 32).`);
  return key;
}

/** Reads DATA_DIR's development master key, creating it (owner-only) the first time. */
export function devMasterKey(dataDir: string): { key: Buffer; generatedAt?: string } {
  const file = join(dataDir, DEV_MASTER_KEY_FILE);
  if (existsSync(file)) return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64') };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), generatedAt: file };
}

/** The projector process needs no HTTP and checks no tokens. */
export function loadStoresConfig(env: NodeJS.ProcessEnv = process.env): StoresConfig {
  const problems: string[] = [];
  const stores = storesOf(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return stores;
}

function storesOf(env: NodeJS.ProcessEnv, problems: string[]): StoresConfig {
  return {
    dataDir: resolve(env.DATA_DIR || './data'),
    eventStore: eventStoreOf(env, problems),
    readStore: readStoreOf(env, problems),
    projectorLeaseMs: integer(env, 'PROJECTOR_LEASE_MS', 10000, 1000, 600000, problems),
    readyMaxLagSeconds: integer(env, 'READY_MAX_LAG_SECONDS', 30, 1, 86400, problems),
    timeouts: {
      storeCallMs: integer(env, 'STORE_CALL_TIMEOUT_MS', 1500, 100, 60000, problems),
      mongoServerSelectionMs: integer(env, 'MONGODB_SERVER_SELECTION_TIMEOUT_MS', 1000, 100, 60000, problems),
      mongoSocketMs: integer(env, 'MONGODB_SOCKET_TIMEOUT_MS', 30000, 1000, 600000, problems),
      eventStoreDeadlineMs: integer(env, 'EVENTSTORE_DEADLINE_MS', 1500, 100, 60000, problems),
      sqliteBusyMs: integer(env, 'SQLITE_BUSY_TIMEOUT_MS', 1000, 0, 60000, problems),
    },
    log: { level: choice(env, 'LOG_LEVEL', LOG_LEVELS, problems), format: choice(env, 'LOG_FORMAT', LOG_FORMATS, problems) },
    heapGrowthPercent: integer(env, 'HEAP_GROWTH_PERCENT', 50, 0, 400, problems),
  };
}

function authOf(env: NodeJS.ProcessEnv, { dataDir, eventStore, readStore }: StoresConfig, problems: string[]): AppConfig['auth'] | undefined {
  const embedded = eventStore.kind === 'embedded' && readStore.kind === 'embedded';
  const configured = [env.AUTH_JWT_SECRET && 'AUTH_JWT_SECRET', env.AUTH_PUBLIC_KEY && 'AUTH_PUBLIC_KEY', env.AUTH_JWKS_URI && 'AUTH_JWKS_URI'].filter(Boolean);
  if (configured.length > 1) problems.push(`Set only one of ${configured.join(', ')}.`);
  let key: AuthKey | undefined;
  if (env.AUTH_JWT_SECRET) {
    if (Buffer.byteLength(env.AUTH_JWT_SECRET) < 32) problems.push('AUTH_JWT_SECRET must be at least 32 bytes (HS256).');
    key = { kind: 'secret', secret: new TextEncoder().encode(env.AUTH_JWT_SECRET) };
  } else if (env.AUTH_PUBLIC_KEY) {
    if (!env.AUTH_PUBLIC_KEY.includes('BEGIN PUBLIC KEY')) problems.push('AUTH_PUBLIC_KEY must be a PEM (SPKI) public key.');
    key = { kind: 'public-key', pem: env.AUTH_PUBLIC_KEY.replace(/\\n/g, '\n') };
  } else if (env.AUTH_JWKS_URI) {
    if (!/^https?:\/\//.test(env.AUTH_JWKS_URI)) problems.push('AUTH_JWKS_URI must be an http(s) URL.');
    key = { kind: 'jwks', uri: env.AUTH_JWKS_URI };
  }

  let issuer = env.AUTH_ISSUER ?? '';
  let audience = env.AUTH_AUDIENCE ?? '';
  if (!key && !embedded) {
    problems.push('Set AUTH_JWT_SECRET, AUTH_PUBLIC_KEY or AUTH_JWKS_URI: only the all-embedded default may generate a development secret.');
  }
  if (!key && problems.length === 0) {
    key = { kind: 'secret', development: true, ...devSecret(dataDir) };
    issuer ||= DEV_ISSUER;
    audience ||= DEV_AUDIENCE;
  }
  if (!issuer) problems.push('AUTH_ISSUER is required (the iss every token must carry).');
  if (!audience) problems.push('AUTH_AUDIENCE is required (the aud every token must carry).');
  return key && { key, issuer, audience };
}

function eventStoreOf(env: NodeJS.ProcessEnv, problems: string[]): AppConfig['eventStore'] {
  const kind = choice(env, 'EVENT_STORE', ['embedded', 'eventstoredb'] as const, problems);
  if (kind !== 'eventstoredb') return { kind: 'embedded' };
  const connectionString = env.EVENTSTORE_CONNECTION_STRING ?? '';
  if (!/^(esdb|esdb\+discover|kurrentdb|kdb):\/\//.test(connectionString)) {
    problems.push('EVENTSTORE_CONNECTION_STRING must be an esdb:// connection string when EVENT_STORE=eventstoredb.');
  }
  return { kind, connectionString };
}

function readStoreOf(env: NodeJS.ProcessEnv, problems: string[]): AppConfig['readStore'] {
  const kind = choice(env, 'READ_STORE', ['embedded', 'mongodb'] as const, problems);
  if (kind !== 'mongodb') return { kind: 'embedded' };
  const uri = env.MONGODB_URI ?? '';
  if (!/^mongodb(\+srv)?:\/\//.test(uri)) problems.push('MONGODB_URI must be a mongodb:// or mongodb+srv:// URI when READ_STORE=mongodb.');
  const database = env.MONGODB_DB || 'customer_accounts';
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(database)) problems.push('MONGODB_DB must be 1–63 letters, digits, _ or -.');
  // FerretDB 1.24 hangs for good on one update command with about as many matching statements as
  // its connection pool (100 per database on SQLite, 50 per server on PostgreSQL), and concurrent
  // commands add up: two live projections and a rebuild of both stay under 100 at 20 each. A real
  // MongoDB has no such limit; raise it there (fewer round trips).
  const maxWritesPerCommand = integer(env, 'MONGODB_MAX_WRITES_PER_COMMAND', DEFAULT_MONGODB_MAX_WRITES_PER_COMMAND, 1, 100_000, problems);
  return { kind, uri, database, maxWritesPerCommand };
}

/**
 * Whether tokens are checked against the secret generated under DATA_DIR on the all-embedded
 * default: only then may the service mint tokens itself (the console's development sign-in).
 */
export function isDevelopmentAuth(auth: AppConfig['auth']): boolean {
  return auth.key.kind === 'secret' && auth.key.development === true && auth.issuer === DEV_ISSUER;
}

/** Reads DATA_DIR's development secret, creating it (owner-only) the first time. */
export function devSecret(dataDir: string): { secret: Uint8Array; generatedAt?: string } {
  const file = join(dataDir, DEV_SECRET_FILE);
  if (existsSync(file)) return { secret: new TextEncoder().encode(readFileSync(file, 'utf8').trim()) };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { secret: new TextEncoder().encode(readFileSync(file, 'utf8').trim()), generatedAt: file };
}

/**
 * A day, as common APIs keep keys: longer than any client's retry schedule (minutes, at most
 * hours), short enough that the records stay a bounded, small store.
 */
export const DEFAULT_IDEMPOTENCY_RETENTION_HOURS = 24;

/**
 * A partner gets 10,000 requests a second: above what one API process can serve at all (a Nest
 * hello-world does 7,500–8,500/s on the 2-core machines here, durable commands ~2,400/s), so no
 * legitimate caller of one process is ever throttled; it caps a runaway client across processes.
 * An address gets 100 a second without a valid token: enough for clients fetching or refreshing
 * tokens behind one NAT, while a flood of bad tokens is mostly refused before any signature check.
 */
export const DEFAULT_RATE_LIMITS: RateLimitConfig = { windowSeconds: 1, perPartner: 10_000, perAddress: 100 };

function rateLimitsOf(env: NodeJS.ProcessEnv, problems: string[]): RateLimitConfig {
  return {
    windowSeconds: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', DEFAULT_RATE_LIMITS.windowSeconds, 1, 3600, problems),
    perPartner: integer(env, 'RATE_LIMIT_PER_PARTNER', DEFAULT_RATE_LIMITS.perPartner, 0, 100_000_000, problems),
    perAddress: integer(env, 'RATE_LIMIT_PER_ADDRESS', DEFAULT_RATE_LIMITS.perAddress, 0, 100_000_000, problems),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}".`);
  return value;
}

function choice<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], problems: string[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return allowed[0];
  if (!allowed.includes(raw as T)) problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}".`);
  return raw as T;
}
