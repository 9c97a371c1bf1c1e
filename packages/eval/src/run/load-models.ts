// Loads trained models from the train stage's output folders:
//   <dir>/manifest.json           {format: 1, kind: 'vae' | 'judge', models: {role: 'role/model.json'}, config, params, ...}
//   <dir>/<role>/model.json       TensorFlow.js layers format
//   <dir>/<role>/weights.bin
// Roles: a VAE has `encoder` (image -> [mu, kappa]) and `decoder` (z -> logits);
// a judge has `judge` (image -> class logits).
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { describeNumerics, type NumericsProvenance } from '@sgvae/contracts';
// Importing the models package registers its custom layers (G-CNN layers,
// heads) with the layers serialization registry, which loading needs.
import '@sgvae/models';
import { loadLayersModel } from '@sgvae/train';
import { ArtifactError } from '../errors.ts';
import { TfJudgeRunner, TfVaeRunner } from './tf-runners.ts';
import type { ModelKind, TrainedWith } from './types.ts';

export const MODEL_KIND_LABELS: Record<Exclude<ModelKind, 'other'>, string> = {
  sgvae: 'S-GVAE',
  'sgvae-so2': 'S-GVAE (SO(2) encoder)',
  svae: 'S-VAE',
  'svae-aug': 'S-VAE + rotation augmentation',
};

export interface TrainManifest {
  format: number;
  kind: 'vae' | 'judge';
  models: Record<string, string>;
  config?: unknown;
  params?: unknown;
  codeVersion?: string;
  /** The machine facts that change the numerics (manifests written since they are recorded). */
  numerics?: NumericsProvenance;
  epoch?: number;
  epochs?: number;
  /** Metrics of the saved (best) epoch, e.g. valLoss. */
  metrics?: Record<string, number>;
  data?: Record<string, unknown>;
}

const hint = (dir: string) => `Train it first (the train stage writes ${join(dir, 'manifest.json')} last, so its absence means the run did not finish).`;

export async function readTrainManifest(dir: string): Promise<TrainManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, 'manifest.json'), 'utf8');
  } catch (cause) {
    throw new ArtifactError(`${dir} has no manifest.json. ${hint(dir)}`, { cause });
  }
  let m: TrainManifest;
  try {
    m = JSON.parse(text) as TrainManifest;
  } catch (cause) {
    throw new ArtifactError(`${join(dir, 'manifest.json')} is not valid JSON. ${hint(dir)}`, { cause });
  }
  if (m.format !== 1 || (m.kind !== 'vae' && m.kind !== 'judge') || typeof m.models !== 'object' || m.models === null) {
    throw new ArtifactError(`${join(dir, 'manifest.json')} is not a train-stage manifest (format 1, kind vae|judge, models)`);
  }
  return m;
}

/** Reads a layers model folder in the train stage's format (model.json + weights), naming the file on failure. */
export async function readLayersModel(modelJsonPath: string): Promise<tfl.LayersModel> {
  try {
    return await loadLayersModel(dirname(modelJsonPath));
  } catch (cause) {
    throw new ArtifactError(
      `cannot load the layers model ${modelJsonPath}: ${(cause as Error).message}. If it names an unknown layer class, ` +
        '@sgvae/models must register that layer (serialization.registerClass) when its index is imported.',
      { cause },
    );
  }
}

function get(obj: unknown, ...path: string[]): unknown {
  let v = obj;
  for (const p of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/**
 * Whether the training params switched on random-rotation augmentation: the
 * train stage's `augmentRotation` flag, else any truthy param whose name
 * mentions "augment".
 */
function trainedWithAugmentation(params: unknown): boolean {
  if (typeof params !== 'object' || params === null) return false;
  const flag = (params as Record<string, unknown>).augmentRotation;
  if (typeof flag === 'boolean') return flag;
  return Object.entries(params as Record<string, unknown>).some(([k, v]) => {
    if (!/augment/i.test(k)) return false;
    if (typeof v === 'object' && v !== null) return Object.values(v).some((x) => x !== null && x !== false && x !== 0 && x !== 'none');
    return v !== null && v !== false && v !== 0 && v !== 'none' && v !== '';
  });
}

/** The kind a manifest describes: the encoder family, and augmentation for the plain CNN. */
export function inferModelKind(manifest: TrainManifest): ModelKind {
  const encoder = get(manifest.config, 'encoder', 'kind');
  if (encoder === 'gcnn') return 'sgvae';
  if (encoder === 'so2') return 'sgvae-so2';
  if (encoder === 'cnn') return trainedWithAugmentation(manifest.params) ? 'svae-aug' : 'svae';
  return 'other';
}

function modelPath(dir: string, manifest: TrainManifest, role: string): string {
  const rel = manifest.models[role];
  if (typeof rel !== 'string') throw new ArtifactError(`${join(dir, 'manifest.json')} lists no "${role}" model (it has: ${Object.keys(manifest.models).join(', ')})`);
  return join(dir, rel);
}

/** The code and machine that trained the model, from its manifest. */
export function trainedWithOf(manifest: TrainManifest): TrainedWith {
  const code = typeof manifest.codeVersion === 'string' && manifest.codeVersion !== 'unknown' ? manifest.codeVersion : null;
  if (manifest.numerics === undefined) return { codeVersion: code, machine: null };
  try {
    return { codeVersion: code, machine: describeNumerics(manifest.numerics) };
  } catch (cause) {
    // Provenance is shown, not relied on: say it is damaged rather than stop the evaluation.
    return { codeVersion: code, machine: `unreadable: manifest.numerics is malformed (${(cause as Error).message})` };
  }
}

/**
 * The kind's label; for the augmented S-VAE it also says what it was asked to
 * reconstruct (manifests written before `augmentTarget` existed trained on rotated targets).
 */
function kindLabel(kind: Exclude<ModelKind, 'other'>, manifest: TrainManifest): string {
  if (kind !== 'svae-aug') return MODEL_KIND_LABELS[kind];
  const target = get(manifest.params, 'augmentTarget');
  return `${MODEL_KIND_LABELS[kind]} (${target === 'upright' ? 'upright' : 'rotated'} targets)`;
}

function seedOf(manifest: TrainManifest): number | undefined {
  const s = get(manifest.params, 'seed') ?? get(manifest.config, 'seed');
  return typeof s === 'number' ? s : undefined;
}

export interface LoadVaeOptions {
  /** Name in tables and file names. A name that is a model kind (sgvae, svae, svae-aug) also sets the kind. */
  name: string;
  batchSize: number;
}

export async function loadVae(dir: string, options: LoadVaeOptions): Promise<TfVaeRunner> {
  const manifest = await readTrainManifest(dir);
  if (manifest.kind !== 'vae') throw new ArtifactError(`${dir} holds a ${manifest.kind}, not a VAE; pass it with --judge instead`);
  const inferred = inferModelKind(manifest);
  let kind = inferred;
  if (options.name in MODEL_KIND_LABELS) {
    kind = options.name as ModelKind;
    if (inferred !== 'other' && kind !== inferred && !(kind === 'svae' && inferred === 'svae-aug') && !(kind === 'svae-aug' && inferred === 'svae')) {
      throw new ArtifactError(`--models ${options.name}=${dir}: the name says ${MODEL_KIND_LABELS[kind as 'sgvae']} but the manifest's encoder is ${String(get(manifest.config, 'encoder', 'kind'))}`);
    }
  }
  const latentDim = get(manifest.config, 'latent', 'dim');
  const imageSize = get(manifest.config, 'imageSize');
  const encoder = await readLayersModel(modelPath(dir, manifest, 'encoder'));
  const decoder = await readLayersModel(modelPath(dir, manifest, 'decoder'));
  const muShape = (encoder.outputs[0]?.shape ?? []) as (number | null)[];
  const inShape = (encoder.inputs[0]?.shape ?? []) as (number | null)[];
  const dim = typeof latentDim === 'number' ? latentDim : muShape[1];
  const size = typeof imageSize === 'number' ? imageSize : inShape[1];
  if (typeof dim !== 'number' || typeof size !== 'number') {
    throw new ArtifactError(`${dir}: cannot tell the latent dimension or image size (neither config.latent.dim / config.imageSize nor the model shapes give them)`);
  }
  const seed = seedOf(manifest);
  return new TfVaeRunner({
    name: options.name,
    // Two runs of one kind (e.g. two seeds) need distinct labels: tables are keyed by label.
    label: kind === 'other' ? options.name : options.name === kind ? kindLabel(kind, manifest) : `${kindLabel(kind, manifest)} (${options.name})`,
    kind,
    latentDim: dim,
    imageSize: size,
    ...(seed === undefined ? {} : { seed }),
    trainedWith: trainedWithOf(manifest),
    batchSize: options.batchSize,
    encoder,
    decoder,
  });
}

export async function loadJudge(dir: string, options: { batchSize: number }): Promise<TfJudgeRunner> {
  const manifest = await readTrainManifest(dir);
  if (manifest.kind !== 'judge') throw new ArtifactError(`${dir} holds a ${manifest.kind}, not a judge; pass it with --models instead`);
  const model = await readLayersModel(modelPath(dir, manifest, 'judge'));
  const inShape = (model.inputs[0]?.shape ?? []) as (number | null)[];
  const size = get(manifest.config, 'imageSize') ?? inShape[1];
  if (typeof size !== 'number') throw new ArtifactError(`${dir}: cannot tell the judge's image size`);
  const arch = get(manifest.config, 'name') ?? (model.name || undefined);
  const seed = seedOf(manifest);
  return new TfJudgeRunner({
    label: typeof arch === 'string' ? `judge (${arch})` : 'judge',
    imageSize: size,
    ...(seed === undefined ? {} : { seed }),
    trainedWith: trainedWithOf(manifest),
    batchSize: options.batchSize,
    model,
  });
}
