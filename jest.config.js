/** One Jest run: unit specs beside the code, port contract suites and e2e suites under test/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.contract-spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  // Nest 12 ships ESM only; swc turns it into CommonJS for Jest.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|strtok3|token-types|@tokenizer|uint8array-extras|uid)/)',
  ],
  moduleNameMapper: {
    '^@app/(domain|event-store|read-side|platform)$': '<rootDir>/libs/$1/src',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 30000,
};
