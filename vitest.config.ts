import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // PostgreSQL tests need a server: they run in `npm run test:pg` (vitest.pg.config.ts).
    exclude: [...configDefaults.exclude, 'test/**/*.pg.test.ts'],
    // Tests start real servers and child processes; give them room on a 2-core CI machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Transformed modules kept on disk (node_modules/.experimental-vitest-cache, keyed by each
    // file's content): the second and third run of .ci/run, and reruns, skip esbuild for every file.
    experimental: { fsModuleCache: true },
  },
});
