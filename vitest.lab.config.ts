import { defineConfig } from 'vitest/config';

// The real-CMS lab suite (npm run test:lab): one file per CMS, run one after another because
// they switch misconfigurations on shared servers.
export default defineConfig({
  test: {
    include: ['tests/lab/**/*.lab.test.ts'],
    fileParallelism: false,
    passWithNoTests: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // The programs the tests start keep parsed rules in a folder of this run's, not the user's.
    globalSetup: ['tests/support/test-cache-dir.ts'],
  },
});
