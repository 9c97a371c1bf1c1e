import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'tools',
    include: ['**/*.spec.{ts,mts,js,mjs}'],
    exclude: ['**/node_modules/**'],
    // The integration specs run the real `nx` binary several times.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
