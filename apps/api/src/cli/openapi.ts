import 'reflect-metadata';
import { loadConfig } from '@app/platform';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../bootstrap';
import { openApiDocument } from '../openapi/document';

/**
 * Writes the OpenAPI document of this build (`npm run openapi` → openapi.json), the file the client
 * is generated from and CI compares with the served one. The app is built on throwaway embedded
 * stores: the document depends on the code only.
 */
async function main(): Promise<void> {
  const out = process.argv[2] ?? 'openapi.json';
  const dataDir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    const config = loadConfig({ DATA_DIR: dataDir, AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_ISSUER: 'openapi', AUTH_AUDIENCE: 'openapi', RUN_PROJECTOR: 'false', LOG_LEVEL: 'silent' });
    const app = await createApp(config);
    await app.init();
    writeFileSync(out, `${JSON.stringify(openApiDocument(app), null, 2)}\n`);
    await app.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
