// Model weights and optimiser state as one binary blob plus its specs (the
// TensorFlow.js weights-manifest entries), matched by position: layer and
// variable names carry per-process counters (conv2d_1, conv2d_7, ...) and
// differ between the run that wrote a checkpoint and the one that resumes it.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TrainError } from '../errors.ts';

export interface EncodedWeights {
  data: ArrayBuffer;
  specs: tf.io.WeightsManifestEntry[];
}

export interface NamedModel {
  /** Folder name in outputs and prefix in checkpoints: `encoder`, `decoder`, `judge`. */
  name: string;
  model: tfl.LayersModel;
}

/** Encodes tensors in order under the names `${prefix}/${index}`. */
export async function encodeTensors(prefix: string, tensors: readonly tf.Tensor[]): Promise<EncodedWeights> {
  const { data, specs } = await tf.io.encodeWeights(tensors.map((tensor, i) => ({ name: `${prefix}/${i}`, tensor })));
  return { data, specs };
}

/** Encodes every weight (trainable and not, e.g. batch-norm statistics) of the models. */
export async function encodeModelWeights(models: readonly NamedModel[]): Promise<EncodedWeights> {
  const named = models.flatMap(({ name, model }) =>
    model.weights.map((w, i) => ({ name: `${name}/${i}`, tensor: w.read() })),
  );
  const { data, specs } = await tf.io.encodeWeights(named);
  return { data, specs };
}

/** Decodes a blob into tensors ordered as encoded, grouped by prefix. The caller disposes them. */
export function decodeTensors(encoded: EncodedWeights): Map<string, tf.Tensor[]> {
  const map = tf.io.decodeWeights(encoded.data, encoded.specs);
  const groups = new Map<string, tf.Tensor[]>();
  for (const spec of encoded.specs) {
    const cut = spec.name.lastIndexOf('/');
    const prefix = spec.name.slice(0, cut);
    const index = Number(spec.name.slice(cut + 1));
    const list = groups.get(prefix) ?? [];
    list[index] = map[spec.name];
    groups.set(prefix, list);
  }
  return groups;
}

/** Sets every weight of the models from a blob written by `encodeModelWeights`, checking shapes. */
export function restoreModelWeights(models: readonly NamedModel[], encoded: EncodedWeights, where: string): void {
  const groups = decodeTensors(encoded);
  try {
    for (const { name, model } of models) {
      const tensors = groups.get(name) ?? [];
      const weights = model.weights;
      if (tensors.length !== weights.length) {
        throw new TrainError(
          `${where}: ${name} has ${weights.length} weights but the saved state holds ${tensors.length}; ` +
            'it was written for a different architecture',
        );
      }
      weights.forEach((w, i) => {
        if (!tf.util.arraysEqual(w.shape as number[], tensors[i].shape)) {
          throw new TrainError(
            `${where}: ${name} weight ${i} (${w.name}) has shape [${w.shape}] but the saved one is ` +
              `[${tensors[i].shape}]; it was written for a different architecture`,
          );
        }
      });
      model.setWeights(tensors);
    }
  } finally {
    for (const list of groups.values()) tf.dispose(list);
  }
}
