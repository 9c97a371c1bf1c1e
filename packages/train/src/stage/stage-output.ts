// The stage's output folder, written once at the end and atomically: the
// best epoch's models in the TensorFlow.js layers format, a manifest saying
// what they are and how they were made (the TrainManifest of
// @sgvae/contracts), and the metrics of every epoch.
import { cp, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type JudgeTrainManifest,
  removeStaleSiblings,
  TRAIN_MANIFEST_FORMAT,
  type TrainManifest,
  type VaeTrainManifest,
  writeFolderAtomicallyAsync,
  writeTrainManifest,
} from '@sgvae/contracts';
import { saveLayersModel, MODEL_JSON } from '../checkpoint/layers-io.ts';
import { type EncodedWeights, type NamedModel, restoreModelWeights } from '../checkpoint/weights.ts';
import { type MetricsRow, writeMetricsFiles } from '../observe/metrics-files.ts';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A manifest without the fields the writer fills in (format, model paths), for each kind. */
export type StageManifestBody = Omit<VaeTrainManifest, 'format' | 'models'> | Omit<JudgeTrainManifest, 'format' | 'models'>;

export interface StageOutput {
  models: readonly NamedModel[];
  /** Weights to save (the best epoch's); they are loaded into `models`. */
  weights: EncodedWeights;
  manifest: StageManifestBody;
  rows: readonly MetricsRow[];
  /** TensorBoard folder to copy in, if it exists. */
  tensorboardDir?: string;
}

/** Writes the output folder whole (temporary sibling, then rename). */
export async function writeStageOutput(outDir: string, output: StageOutput): Promise<TrainManifest> {
  restoreModelWeights(output.models, output.weights, 'best weights');
  const { kind, ...rest } = output.manifest;
  const manifest = {
    format: TRAIN_MANIFEST_FORMAT,
    kind,
    models: Object.fromEntries(output.models.map(({ name }) => [name, `${name}/${MODEL_JSON}`])),
    ...rest,
  } as TrainManifest;
  removeStaleSiblings(outDir);
  await writeFolderAtomicallyAsync(outDir, async (tmp) => {
    for (const { name, model } of output.models) await saveLayersModel(model, join(tmp, name));
    await writeMetricsFiles(tmp, output.rows);
    if (output.tensorboardDir !== undefined && (await exists(output.tensorboardDir))) {
      await cp(output.tensorboardDir, join(tmp, 'tensorboard'), { recursive: true });
    }
    writeTrainManifest(tmp, manifest);
  });
  return manifest;
}
