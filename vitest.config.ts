import { configDefaults, defineConfig } from 'vitest/config';

// The default suite (npm test): everything but the real-CMS lab, which needs servers that
// tests/lab/up-all.sh starts (npm run test:lab).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'tests/lab/**'],
    // Scans of loopback sites take well under a second on an idle machine; the margin is for a
    // loaded 2-core CI machine, not a speed budget (speed is measured by npm run bench).
    testTimeout: 30_000,
    // The programs the tests start keep parsed rules in a folder of this run's, not the user's.
    globalSetup: ['tests/support/test-cache-dir.ts'],
  },
});
