// Temporary folders for specs, removed after each file's tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function useTempDir(prefix: string): () => string {
  const dir = mkdtempSync(join(tmpdir(), `sgvae-data-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  // Each call gives a fresh sub-folder path (not created), so tests do not share state.
  return () => join(dir, `case-${n++}`);
}
