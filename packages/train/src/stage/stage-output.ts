// The stage's output folder, written once at the end and atomically: the
// best epoch's models in the TensorFlow.js layers format, a manifest saying
// what they are and how they were made, and the metrics of every epoch.
import { cp, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type NumericsProvenance, removeStaleSiblings, writeFolderAtomicallyAsync } from '@sgvae/contracts';
import { saveLayersModel, MODEL_JSON } from '../checkpoint/layers-io.ts';
import { type EncodedWeights, type NamedModel, restoreModelWeights } from '../checkpoint/weights.ts';
import { type MetricsRow, writeMetricsFiles } from '../observe/metrics-files.ts';

export const MANIFEST = 'manifest.json';

/** What `manifest.json` of a training output holds. */
export interface StageManifest {
  format: 1;
  kind: 'vae' | 'judge';
  /** Model folder per role, relative to the output folder: `{encoder: 'encoder/model.json', ...}`. */
  models: Record<string, string>;
  /** The architecture config the models were built from. */
  config: unknown;
  /** The stage's params after defaults were filled in. */
  params: unknown;
  /** 1-based epoch of the saved weights (lowest validation loss) and the epochs trained. */
  epoch: number;
  epochs: number;
  /** Metrics of the saved epoch, and of the last epoch. */
  metrics: MetricsRow;
  finalMetrics: MetricsRow;
  /** Scores on held-out sets computed at the end (judge: test accuracy). */
  test?: Record<string, number>;
  /** Where the data came from (dataset manifests' identities). */
  data?: Record<string, unknown>;
  /** Commit (+dirty) of the code that trained the models, `unknown` outside git. */
  codeVersion: string;
  /** Digest of the code that ran (the checkpoint resume guard), when known. */
  codeFingerprint?: string;
  backend: string;
  /** CPU, its kernel-selecting flags, oneDNN and thread settings: what moves the numbers between machines. */
  numerics?: NumericsProvenance;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export interface StageOutput {
  models: readonly NamedModel[];
  /** Weights to save (the best epoch's); they are loaded into `models`. */
  weights: EncodedWeights;
  manifest: Omit<StageManifest, 'format' | 'models'>;
  rows: readonly MetricsRow[];
  /** TensorBoard folder to copy in, if it exists. */
  tensorboardDir?: string;
}

/** Writes the output folder whole (temporary sibling, then rename). */
export async function writeStageOutput(outDir: string, output: StageOutput): Promise<StageManifest> {
  restoreModelWeights(output.models, output.weights, 'best weights');
  const { kind, ...rest } = output.manifest;
  const manifest: StageManifest = {
    format: 1,
    kind,
    models: Object.fromEntries(output.models.map(({ name }) => [name, `${name}/${MODEL_JSON}`])),
    ...rest,
  };
  removeStaleSiblings(outDir);
  await writeFolderAtomicallyAsync(outDir, async (tmp) => {
    for (const { name, model } of output.models) await saveLayersModel(model, join(tmp, name));
    await writeMetricsFiles(tmp, output.rows);
    if (output.tensorboardDir !== undefined && (await exists(output.tensorboardDir))) {
      await cp(output.tensorboardDir, join(tmp, 'tensorboard'), { recursive: true });
    }
    await writeFile(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  });
  return manifest;
}
