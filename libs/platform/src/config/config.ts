import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type AuthKey =
  | { readonly kind: 'secret'; readonly secret: Uint8Array; readonly generatedAt?: string }
  | { readonly kind: 'public-key'; readonly pem: string }
  | { readonly kind: 'jwks'; readonly uri: string };

export interface AppConfig {
  readonly port: number;
  readonly dataDir: string;
  readonly eventStore: 'embedded';
  readonly readStore: 'embedded';
  readonly auth: { readonly key: AuthKey; readonly issuer: string; readonly audience: string };
  /** How long a read with `minPosition` waits for the views before answering 503. */
  readonly readWaitMs: number;
  /** Whether this process also runs the projections (the embedded default does). */
  readonly runProjector: boolean;
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

/**
 * Reads and checks the whole environment at start, reporting every problem at once. With no key
 * configured on the embedded default it generates a development secret under DATA_DIR.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const port = integer(env, 'PORT', 3000, 0, 65535, problems);
  const readWaitMs = integer(env, 'READ_WAIT_MS', 2000, 0, 60000, problems);
  const dataDir = resolve(env.DATA_DIR || './data');
  const eventStore = choice(env, 'EVENT_STORE', ['embedded'] as const, problems);
  const readStore = choice(env, 'READ_STORE', ['embedded'] as const, problems);
  const runProjector = choice(env, 'RUN_PROJECTOR', ['true', 'false'] as const, problems) !== 'false';

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
  if (!key && problems.length === 0) {
    key = { kind: 'secret', ...devSecret(dataDir) };
    issuer ||= DEV_ISSUER;
    audience ||= DEV_AUDIENCE;
  }
  if (!issuer) problems.push('AUTH_ISSUER is required (the iss every token must carry).');
  if (!audience) problems.push('AUTH_AUDIENCE is required (the aud every token must carry).');

  if (problems.length > 0 || !key) throw new ConfigError(problems);
  return { port, dataDir, eventStore, readStore, auth: { key, issuer, audience }, readWaitMs, runProjector };
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
