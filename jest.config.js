/**
 * One Jest run: unit specs beside the code, port contract suites, e2e suites on the embedded
 * stores and, when a MongoDB-wire server is given (MONGODB_URI; .ci/run starts FerretDB), the
 * MongoDB contract suites and the e2e suites again on the production adapters (EventStoreDB
 * protocol double, or EVENTSTORE_CONNECTION_STRING, plus MongoDB).
 */
const mongo = Boolean(process.env.MONGODB_URI);
if (!mongo) {
  if (process.env.CI) throw new Error('CI runs every suite: set MONGODB_URI (.ci/run starts FerretDB for it).');
  console.warn('SKIPPED MongoDB contract suites and production-mode e2e: MONGODB_URI is not set (try scripts/with-ferretdb.sh npm test).');
}

const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  // Nest 12 ships ESM only; swc turns it into CommonJS for Jest.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|strtok3|token-types|@tokenizer|uint8array-extras|uid)/)',
  ],
  moduleNameMapper: {
    '^@app/(domain|event-store|read-side|platform|runtime|telemetry)$': '<rootDir>/libs/$1/src',
    '^@app/(domain)/testing$': '<rootDir>/libs/$1/src/testing',
    '^@app/(event-store|platform)/core$': '<rootDir>/libs/$1/src/core',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...base,
      displayName: 'embedded',
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
      testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.contract-spec.ts'],
      testPathIgnorePatterns: mongo ? ['/node_modules/'] : ['/node_modules/', '/mongodb-[^/]*\\.contract-spec\\.ts$'],
    },
    // The console in a real browser (Chromium through playwright-core), once, on the embedded stores.
    { ...base, displayName: 'browser', roots: ['<rootDir>/test/browser'], testMatch: ['**/*.browser-spec.ts'] },
    ...(mongo
      ? [
          {
            ...base,
            displayName: 'production stores',
            roots: ['<rootDir>/test/e2e'],
            testMatch: ['**/*.e2e-spec.ts'],
            globals: { E2E_STORES: 'production' },
          },
        ]
      : []),
  ],
};
