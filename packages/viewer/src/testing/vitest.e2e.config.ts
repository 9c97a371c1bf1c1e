// The browser test (`npm run test:browser`): the smoke pipeline's viewer in
// headless Chromium. Not part of `npm test`: it needs Debian's chromium and
// the trained smoke models (`npm run smoke`); .ci/run runs it after the smoke
// pipeline.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    name: 'viewer-browser',
    include: ['e2e/**/*.e2e.spec.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
