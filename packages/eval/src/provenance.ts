// The pipeline's stage timings for the report's provenance table, read by the
// CLI (the entry point): library code reads no environment. The code version,
// machine and numerics facts come from @sgvae/contracts.
import { readFile } from 'node:fs/promises';
import { ArtifactError } from './errors.ts';
import type { StageTiming } from './results.ts';

/**
 * Reads the pipeline's timings file: `{"stages": [{"name", "seconds", "cacheHit"?}]}`
 * or the bare list.
 */
export async function readPipelineTimings(path: string): Promise<StageTiming[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new ArtifactError(`--pipeline-info ${path} is not a readable JSON file`, { cause });
  }
  const list = Array.isArray(raw) ? raw : (raw as { stages?: unknown }).stages;
  if (!Array.isArray(list)) throw new ArtifactError(`--pipeline-info ${path} must hold {"stages": [{"name", "seconds", "cacheHit"}]}`);
  return list.map((s: unknown, i) => {
    const o = s as Record<string, unknown>;
    if (typeof o?.name !== 'string' || typeof o.seconds !== 'number') {
      throw new ArtifactError(`--pipeline-info ${path}: stage #${i} needs a string "name" and a number "seconds"`);
    }
    return { name: o.name, seconds: o.seconds, ...(typeof o.cacheHit === 'boolean' ? { cacheHit: o.cacheHit } : {}) };
  });
}
