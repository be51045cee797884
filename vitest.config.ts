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
      { extends: true, test: { name: 'web', include: ['web/src/**/*.test.{ts,tsx}'], environment: 'happy-dom', setupFiles: ['web/src/test-setup.ts'] } },
      ...(pg ? [{ extends: true as const, test: { ...shared, name: 'postgres', env: { PARLEY_TEST_DB: 'postgres' } } }] : []),
    ],
  },
});
