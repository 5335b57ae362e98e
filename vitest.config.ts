import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more forks only fight over them.
    maxWorkers: 2,
    // A private temp directory per run; the run fails if a test leaves anything in it.
    globalSetup: ['test/support/global-setup.ts'],
  },
});
