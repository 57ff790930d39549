import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: two worker processes keep PGlite start-up and the fakes from starving each other.
    maxWorkers: 2,
  },
});
