import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// Three projects: unit tests (no database), and every database suite twice — on in-memory
// PGlite and on the PostgreSQL server (PLINTH_TEST_DATABASE_URL, default the local one).
// The PostgreSQL project fails, never skips, when the server is unreachable.
const dbSuites = ['test/**/*.db.test.ts'];
export default defineConfig({
  // One copy of graphql-js: vitest would load the ESM build for src/ while Pothos and Yoga load
  // the CommonJS one, and graphql-js refuses types from "another realm".
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...dbSuites, 'test/e2e/**'] } },
      { extends: true, test: { name: 'pglite', include: dbSuites, env: { PLINTH_TEST_DB: 'pglite' } } },
      { extends: true, test: { name: 'postgres', include: dbSuites, env: { PLINTH_TEST_DB: 'postgres' } } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], env: { PLINTH_TEST_DB: 'postgres' } } },
    ],
  },
});
