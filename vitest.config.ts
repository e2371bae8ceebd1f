import { defineConfig } from 'vitest/config';

// The default suite (npm test): everything but the real-CMS lab, which needs servers that
// tests/lab/up-all.sh starts (npm run test:lab).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/lab/**', 'node_modules/**'],
  },
});
