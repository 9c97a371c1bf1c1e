// Loads trained models from the train stage's output folders, whose manifest
// (the TrainManifest of @sgvae/contracts) says what they are:
//   <dir>/manifest.json           read and checked by readTrainManifest
//   <dir>/<role>/model.json       TensorFlow.js layers format
//   <dir>/<role>/weights.bin
// Roles: a VAE has `encoder` (image -> [mu, kappa]) and `decoder` (z -> logits);
// a judge has `judge` (image -> class logits).
import { dirname, join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { describeNumerics, type LoadedTrainManifest, readTrainManifest, type TrainManifest, type VaeConfigRecord, type VaeTrainManifest } from '@sgvae/contracts';
// Importing the models package registers its custom layers (G-CNN layers,
// heads) with the layers serialization registry, which loading needs; it also
// migrates the model configs saved by earlier code.
import { migrateVaeNetConfig, NetConfigError } from '@sgvae/models';
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

/** The kind a VAE's manifest describes: the encoder family, and for the plain CNN whether it was shown rotated digits. */
export function inferModelKind(manifest: VaeTrainManifest): ModelKind {
  switch (manifest.config.encoder.kind) {
    case 'gcnn':
      return 'sgvae';
    case 'so2':
      return 'sgvae-so2';
    case 'cnn':
      return manifest.params.augmentRotation ? 'svae-aug' : 'svae';
    default:
      return 'other';
  }
}

/** The model file of `role`; the manifest reader has checked that the roles of its kind are listed. */
function modelPath(dir: string, manifest: TrainManifest, role: string): string {
  return join(dir, manifest.models[role]!);
}

/** The code and machine that trained the model, from its manifest. */
export function trainedWithOf(manifest: LoadedTrainManifest): TrainedWith {
  const code = manifest.codeVersion !== 'unknown' ? manifest.codeVersion : null;
  // Provenance is shown, not relied on: a damaged record is said to be so rather than stop the evaluation.
  if (manifest.numericsProblem !== undefined) return { codeVersion: code, machine: `unreadable: manifest.numerics is malformed (${manifest.numericsProblem})` };
  if (manifest.numerics === undefined) return { codeVersion: code, machine: null };
  return { codeVersion: code, machine: describeNumerics(manifest.numerics) };
}

/**
 * The kind's label; for the augmented S-VAE it also says what it was asked to
 * reconstruct (manifests written before `augmentTarget` existed trained on rotated targets).
 */
function kindLabel(kind: Exclude<ModelKind, 'other'>, manifest: VaeTrainManifest): string {
  if (kind !== 'svae-aug') return MODEL_KIND_LABELS[kind];
  return `${MODEL_KIND_LABELS[kind]} (${manifest.params.augmentTarget === 'upright' ? 'upright' : 'rotated'} targets)`;
}

/**
 * The manifest's model config at the current config version: configs saved by earlier
 * code (no `configVersion`) are migrated as the models package reads them; a config
 * written by newer code is refused.
 */
export function vaeConfigOf(manifest: VaeTrainManifest, dir: string): VaeConfigRecord {
  try {
    return migrateVaeNetConfig(manifest.config) as VaeConfigRecord;
  } catch (cause) {
    if (!(cause instanceof NetConfigError)) throw cause;
    // The error's message starts with its field; here the field is named within the manifest.
    throw new ArtifactError(`${join(dir, 'manifest.json')}: config.${cause.message}`, { cause });
  }
}

export interface LoadVaeOptions {
  /** Name in tables and file names. A name that is a model kind (sgvae, svae, svae-aug) also sets the kind. */
  name: string;
  batchSize: number;
}

export async function loadVae(dir: string, options: LoadVaeOptions): Promise<TfVaeRunner> {
  const manifest = readTrainManifest(dir);
  if (manifest.kind !== 'vae') throw new ArtifactError(`${dir} holds a ${manifest.kind}, not a VAE; pass it with --judge instead`);
  const config = vaeConfigOf(manifest, dir);
  const inferred = inferModelKind(manifest);
  let kind = inferred;
  if (options.name in MODEL_KIND_LABELS) {
    kind = options.name as ModelKind;
    if (inferred !== 'other' && kind !== inferred && !(kind === 'svae' && inferred === 'svae-aug') && !(kind === 'svae-aug' && inferred === 'svae')) {
      throw new ArtifactError(`--models ${options.name}=${dir}: the name says ${MODEL_KIND_LABELS[kind as 'sgvae']} but the manifest's encoder is ${manifest.config.encoder.kind}`);
    }
  }
  const encoder = await readLayersModel(modelPath(dir, manifest, 'encoder'));
  const decoder = await readLayersModel(modelPath(dir, manifest, 'decoder'));
  return new TfVaeRunner({
    name: options.name,
    // Two runs of one kind (e.g. two seeds) need distinct labels: tables are keyed by label.
    label: kind === 'other' ? options.name : options.name === kind ? kindLabel(kind, manifest) : `${kindLabel(kind, manifest)} (${options.name})`,
    kind,
    latentDim: config.latent.dim,
    imageSize: config.imageSize,
    seed: manifest.params.seed,
    trainedWith: trainedWithOf(manifest),
    batchSize: options.batchSize,
    encoder,
    decoder,
  });
}

export async function loadJudge(dir: string, options: { batchSize: number }): Promise<TfJudgeRunner> {
  const manifest = readTrainManifest(dir);
  if (manifest.kind !== 'judge') throw new ArtifactError(`${dir} holds a ${manifest.kind}, not a judge; pass it with --models instead`);
  const model = await readLayersModel(modelPath(dir, manifest, 'judge'));
  return new TfJudgeRunner({
    label: model.name ? `judge (${model.name})` : 'judge',
    imageSize: manifest.config.imageSize,
    seed: manifest.params.seed,
    trainedWith: trainedWithOf(manifest),
    batchSize: options.batchSize,
    model,
  });
}
