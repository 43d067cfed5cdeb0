import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs pure, in-process tests (core logic, parsers) in seconds, with no build;
// `e2e` runs the built CLI, git, tmux, SQLite and agents as real processes. `npm test` runs both,
// `npm run test:unit` the quick loop. Each test file's project is the folder it lives in.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 10_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/*.test.ts'],
          // One build for the whole run (see the file): no test file builds on its own.
          globalSetup: ['test/global-setup.ts'],
          // Guards against a hang, not speed checks: a loaded 2-core machine may be slow, never wrong.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
    // Two cores: real git, tmux and SQLite processes compete, so keep the fan-out modest.
    maxWorkers: 3,
  },
});
