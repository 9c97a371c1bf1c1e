// Reads the metrics of the beta x latent-dimension sweep from the train
// stage's output folders. Each run folder is a VAE training output whose
// manifest gives the encoder kind (config.encoder.kind), the latent
// dimension (config.latent.dim), beta (params.beta) and the best epoch's
// metrics, where `valLoss` is the validation loss as a mean per image.
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ArtifactError } from '../errors.ts';
import { perImageToSummed } from '../metrics/loss-units.ts';
import { paperTable2 } from '../paper.ts';
import type { SweepEntry, SweepResult } from '../results.ts';
import { type LoadedTrainManifest, readTrainManifest, type TrainManifest } from '@sgvae/contracts';
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
  // The train stage records each set it used under its name (`val` by default) with the images it took.
  const validationSize = num(get(manifest, 'data', 'val', 'images')) ?? num(get(manifest, 'data', 'validation', 'images')) ?? 0;
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
 * The run folders under `dirs` (a run folder itself, or a folder of run
 * folders), and the folders that look like runs that did not finish (no
 * manifest: the train stage writes it last).
 */
export async function listSweepRuns(dirs: readonly string[]): Promise<{ runs: string[]; unfinished: string[] }> {
  const runs: string[] = [];
  const unfinished: string[] = [];
  for (const dir of dirs) {
    if (!(await isDir(dir))) throw new ArtifactError(`--sweep ${dir} is not a folder; pass the sweep's output folder (or one run's)`);
    if (await hasManifest(dir)) {
      runs.push(dir);
      continue;
    }
    const children = (await readdir(dir)).sort();
    const childRuns: string[] = [];
    for (const name of children) if (await hasManifest(join(dir, name))) childRuns.push(join(dir, name));
    if (childRuns.length === 0 && !children.some((n) => n.endsWith('.checkpoint'))) unfinished.push(dir);
    else {
      runs.push(...childRuns);
      for (const name of children) {
        const run = join(dir, name);
        if (!name.endsWith('.checkpoint') && !name.startsWith('.') && !childRuns.includes(run) && (await isDir(run))) unfinished.push(run);
      }
    }
  }
  return { runs, unfinished };
}

/**
 * Reads every run under `dirs` (a run folder itself, or a folder of run
 * folders). Returns null when no run is found; throws on a run that cannot
 * be read, so that a broken sweep is not silently reported as a partial one.
 * Each entry names its run folder (`run`); readSweepRuns maps that name to the folder and manifest.
 */
export async function readSweep(dirs: readonly string[], paperValidationSize: number): Promise<SweepResult | null> {
  return (await readSweepRuns(dirs, paperValidationSize)).sweep;
}

/** A finished run of the sweep: its folder and its manifest, read once. */
export interface SweepRun {
  dir: string;
  manifest: LoadedTrainManifest;
}

export async function readSweepRuns(
  dirs: readonly string[],
  paperValidationSize: number,
): Promise<{ sweep: SweepResult | null; runs: Map<string, SweepRun>; unfinished: string[] }> {
  const { runs: found, unfinished } = await listSweepRuns(dirs);
  const entries: SweepEntry[] = [];
  const runs = new Map<string, SweepRun>();
  for (const dir of found) {
    const manifest = readTrainManifest(dir);
    const e = sweepEntryFrom(manifest, dir, paperValidationSize);
    if (typeof e === 'string') throw new ArtifactError(`cannot use sweep run ${e}`);
    const name = basename(dir);
    const twin = runs.get(name);
    if (twin) throw new ArtifactError(`two sweep runs share the folder name ${name} (${twin.dir} and ${dir}); give them distinct names`);
    runs.set(name, { dir, manifest });
    entries.push({ ...e, run: name });
  }
  if (entries.length === 0) return { sweep: null, runs, unfinished };
  entries.sort((a, b) => a.model.localeCompare(b.model) || a.beta - b.beta || a.latentDim - b.latentDim);
  const twin = entries.find((e, i) => i > 0 && e.model === entries[i - 1].model && e.beta === entries[i - 1].beta && e.latentDim === entries[i - 1].latentDim);
  if (twin) throw new ArtifactError(`two sweep runs are the same grid point (${twin.model}, beta ${twin.beta}, d ${twin.latentDim}); pass one of them`);
  return { sweep: { paperValidationSize, entries, source: `${runs.size} runs` }, runs, unfinished };
}
