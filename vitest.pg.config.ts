import { defineConfig } from 'vitest/config';

/**
 * The PostgreSQL suite (`npm run test:pg`): tests that need a server, named *.pg.test.ts and left
 * out of `npm test`. COPYHOUND_TEST_DATABASE_URL must name the server (test/helpers/pg-test-db.ts).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.pg.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
