import { defineProject } from 'vitest/config';

export default defineProject({
  // Several tests read all of MNIST (about 55 MB); on a busy 2-core machine
  // that took 6 to 12 s, past vitest's 5 s default.
  test: { name: 'data', include: ['src/**/*.spec.ts'], testTimeout: 30_000 },
});
