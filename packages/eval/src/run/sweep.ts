// Reads the metrics of the beta x latent-dimension sweep from the train
// stage's output folders. Each run folder is a VAE training output whose
// manifest gives the encoder kind (config.encoder.kind), the latent
// dimension (config.latent.dim), beta (params.beta) and the best epoch's
// metrics, where `valLoss` is the validation loss as a mean per image.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactError } from '../errors.ts';
import { perImageToSummed } from '../metrics/loss-units.ts';
import { paperTable2 } from '../paper.ts';
import type { SweepEntry, SweepResult } from '../results.ts';
import { readTrainManifest, type TrainManifest } from '@sgvae/contracts';
import { inferModelKind } from './load-models.ts';

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function hasManifest(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, 'manifest.json'))).isFile();
  } catch {
    return false;
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const get = (obj: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, p) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[p] : undefined), obj);

/** One sweep entry from a run's manifest, or a reason why it is not one. */
export function sweepEntryFrom(manifest: TrainManifest, dir: string, paperValidationSize: number): SweepEntry | string {
  if (manifest.kind !== 'vae') return `${dir} is not a VAE run`;
  const kind = inferModelKind(manifest);
  if (kind !== 'sgvae' && kind !== 'svae') return `${dir} is a ${kind} run, not one of the sweep's two models`;
  const beta = num(get(manifest.params, 'beta'));
  const latentDim = num(get(manifest.config, 'latent', 'dim'));
  const loss = num(get(manifest, 'metrics', 'valLoss'));
  if (beta === undefined || latentDim === undefined || loss === undefined) {
    return `${dir}: its manifest lacks params.beta, config.latent.dim or metrics.valLoss`;
  }
  const validationSize = num(get(manifest, 'data', 'validation', 'count')) ?? num(get(manifest, 'data', 'val', 'count')) ?? 0;
  const paper = paperTable2(beta, latentDim, kind);
  const entry: SweepEntry = {
    model: kind,
    beta,
    latentDim,
    lossPerImage: loss,
    validationSize,
    lossOnPaperScale: perImageToSummed(loss, paperValidationSize),
  };
  if (paper !== undefined) entry.paper = paper;
  const epochs = num(manifest.epochs);
  if (epochs !== undefined) entry.epochs = epochs;
  return entry;
}

/**
 * Reads every run under `dirs` (a run folder itself, or a folder of run
 * folders). Returns null when no run is found; throws on a run that cannot
 * be read, so that a broken sweep is not silently reported as a partial one.
 */
export async function readSweep(dirs: readonly string[], paperValidationSize: number): Promise<SweepResult | null> {
  const runs: string[] = [];
  for (const dir of dirs) {
    if (!(await isDir(dir))) throw new ArtifactError(`--sweep ${dir} is not a folder; pass the sweep's output folder (or one run's)`);
    if (await hasManifest(dir)) runs.push(dir);
    else for (const name of (await readdir(dir)).sort()) if (await hasManifest(join(dir, name))) runs.push(join(dir, name));
  }
  const entries: SweepEntry[] = [];
  for (const run of runs) {
    const e = sweepEntryFrom(await readTrainManifest(run), run, paperValidationSize);
    if (typeof e === 'string') throw new ArtifactError(`cannot use sweep run ${e}`);
    entries.push(e);
  }
  if (entries.length === 0) return null;
  entries.sort((a, b) => a.model.localeCompare(b.model) || a.beta - b.beta || a.latentDim - b.latentDim);
  return { paperValidationSize, entries, source: dirs.join(', ') };
}
