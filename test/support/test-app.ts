import { INestApplication } from '@nestjs/common';
import { loadConfig } from '@app/platform';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { AppOptions, createApp } from '../../apps/api/src/bootstrap';
import { storeEnv } from './stores';
import { mintToken, TEST_AUDIENCE, TEST_ISSUER, testSecret, TokenClaims } from './tokens';

export interface TestApp {
  readonly app: INestApplication;
  readonly http: TestAgent;
  readonly dataDir: string;
  readonly secret: string;
  token(claims?: TokenClaims): Promise<string>;
  close(): Promise<void>;
}

/**
 * The whole service on the embedded stores in a temporary DATA_DIR, with real JWT checking.
 * Pass `dataDir` and `secret` to reopen the same data, as after a restart.
 */
export async function startTestApp(
  options: {
    dataDir?: string;
    secret?: string;
    env?: Record<string, string>;
    pin?: Pick<AppOptions, 'clock' | 'ids'>;
    /** Captures the log lines (every level unless env sets LOG_LEVEL); without it the app logs nothing. */
    logs?: AppOptions['logDestination'];
  } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'customer-accounts-'));
  const secret = options.secret ?? testSecret();
  const config = loadConfig({
    ...(await storeEnv(dataDir)),
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: secret,
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    LOG_LEVEL: options.logs ? 'trace' : 'silent',
    ...options.env,
  });
  const app = await createApp(config, { ...options.pin, logDestination: options.logs });
  await app.init();
  return {
    app,
    http: request(app.getHttpServer()),
    dataDir,
    secret,
    token: (claims) => mintToken(secret, claims),
    async close() {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
