// Facts about the run for the report's provenance table. Gathered by the CLI
// (the entry point): library code reads no environment.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { ArtifactError } from './errors.ts';
import type { Provenance, StageTiming } from './results.ts';

export function hardwareInfo(): Provenance['hardware'] {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    platform: os.platform(),
    arch: os.arch(),
    node: process.versions.node,
  };
}

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
