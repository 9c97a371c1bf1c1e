import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'viewer',
    include: ['src/**/*.spec.ts'],
    // The browser test needs Chromium and the smoke pipeline's models: `npm run test:browser`.
    exclude: ['src/e2e/**'],
    testTimeout: 60_000,
  },
});
