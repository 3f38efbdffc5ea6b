import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// Unit tests (no database); every database suite twice — on in-memory PGlite and on the
// PostgreSQL server (PLINTH_TEST_DATABASE_URL, default the local one); end-to-end processes; and
// the dashboard in a real browser.
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
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...dbSuites, 'test/e2e/**', 'test/browser/**'] } },
      { extends: true, test: { name: 'pglite', include: dbSuites, env: { PLINTH_TEST_DB: 'pglite' } } },
      { extends: true, test: { name: 'postgres', include: dbSuites, env: { PLINTH_TEST_DB: 'postgres' } } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], env: { PLINTH_TEST_DB: 'postgres' } } },
      // The dashboard in Debian's chromium (test/browser/harness.ts), after the other projects so
      // the browser has the machine's cores: one file at a time, on PGlite, the UI built once first.
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          env: { PLINTH_TEST_DB: 'pglite' },
        },
      },
    ],
  },
});
