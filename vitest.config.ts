import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One build for the whole run (see the file): no test file builds on its own.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: real git, tmux and SQLite processes compete, so keep the fan-out modest.
    maxWorkers: 3,
  },
});
