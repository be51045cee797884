import { defineConfig } from 'vitest/config';

// One suite, two databases: every test runs on embedded SQLite, and again on PostgreSQL when
// PARLEY_TEST_PG_URL points at a server (as .ci/run does).
const pg = process.env.PARLEY_TEST_PG_URL;
const shared = { include: ['server/**/*.test.ts', 'packages/**/*.test.ts'], testTimeout: 20_000, hookTimeout: 30_000 };

export default defineConfig({
  resolve: { alias: [{ find: /^#contracts\/(.*)$/, replacement: new URL('./packages/contracts/src/$1', import.meta.url).pathname }] },
  test: {
    projects: [
      { extends: true, test: { ...shared, name: 'sqlite', env: { PARLEY_TEST_DB: 'sqlite' } } },
      // The web tests run next to the server suites: on a busy machine a render can take seconds, so they get the same time limit.
      { extends: true, test: { name: 'web', include: ['web/src/**/*.test.{ts,tsx}'], environment: 'happy-dom', setupFiles: ['web/src/test-setup.ts'], testTimeout: 20_000 } },
      ...(pg ? [{ extends: true as const, test: { ...shared, name: 'postgres', env: { PARLEY_TEST_DB: 'postgres' } } }] : []),
    ],
  },
});
