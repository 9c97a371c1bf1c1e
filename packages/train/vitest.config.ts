import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'train',
    include: ['src/**/*.spec.ts'],
    setupFiles: ['src/testing/setup-backend.ts'],
    testTimeout: 60_000,
  },
});
