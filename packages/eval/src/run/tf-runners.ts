// VaeRunner / JudgeRunner over TensorFlow.js layers models. Batches go
// through tf.tidy so that no intermediate tensor outlives its batch; only the
// outputs are copied out to typed arrays.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { EvalInputError } from '../errors.ts';
import type { Encoding, JudgeRunner, ModelKind, TrainedWith, VaeRunner } from './types.ts';

export interface TfVaeOptions {
  name: string;
  label: string;
  kind: ModelKind;
  latentDim: number;
  imageSize: number;
  seed?: number;
  trainedWith?: TrainedWith;
  batchSize: number;
  /** image [n, S, S, 1] in [0, 1] -> [mu [n, m], kappa [n, 1] or [n]]. */
  encoder: tfl.LayersModel;
  /** z [n, m] -> Bernoulli logits [n, S, S, 1]. */
  decoder: tfl.LayersModel;
}

/** Runs `fn` over [start, end) batches and concatenates what it returns into one array per output. */
function batched(count: number, batchSize: number, fn: (start: number, end: number) => Float32Array[]): Float32Array[] {
  const parts: Float32Array[][] = [];
  for (let start = 0; start < count; start += batchSize) parts.push(fn(start, Math.min(count, start + batchSize)));
  if (parts.length === 0) return [];
  return parts[0].map((_, k) => {
    const total = parts.reduce((s, p) => s + p[k].length, 0);
    const out = new Float32Array(total);
    let offset = 0;
    for (const p of parts) {
      out.set(p[k], offset);
      offset += p[k].length;
    }
    return out;
  });
}

function imagesTensor(images: Float32Array, start: number, end: number, size: number): tf.Tensor4D {
  const px = size * size;
  return tf.tensor4d(images.subarray(start * px, end * px), [end - start, size, size, 1]);
}

export class TfVaeRunner implements VaeRunner {
  readonly name: string;
  readonly label: string;
  readonly kind: ModelKind;
  readonly latentDim: number;
  readonly imageSize: number;
  readonly seed?: number;
  readonly trainedWith?: TrainedWith;
  private readonly options: TfVaeOptions;

  constructor(options: TfVaeOptions) {
    this.options = options;
    this.name = options.name;
    this.label = options.label;
    this.kind = options.kind;
    this.latentDim = options.latentDim;
    this.imageSize = options.imageSize;
    if (options.seed !== undefined) this.seed = options.seed;
    if (options.trainedWith !== undefined) this.trainedWith = options.trainedWith;
  }

  async encode(images: Float32Array, count: number): Promise<Encoding> {
    const { encoder, batchSize, latentDim, imageSize } = this.options;
    if (count === 0) return { mu: new Float32Array(0), kappa: new Float32Array(0) };
    const [mu, kappa] = batched(count, batchSize, (start, end) =>
      tf.tidy(() => {
        const out = encoder.apply(imagesTensor(images, start, end, imageSize), { training: false });
        if (!Array.isArray(out) || out.length !== 2) {
          throw new EvalInputError(`encoder of "${this.name}" must have two outputs [mu, kappa]; it has ${Array.isArray(out) ? out.length : 1}`);
        }
        const [m, k] = out as tf.Tensor[];
        if (m.shape[1] !== latentDim) throw new EvalInputError(`encoder of "${this.name}" gives mu of shape [${m.shape}] but the manifest says latent dimension ${latentDim}`);
        return [m.dataSync() as Float32Array, k.dataSync() as Float32Array];
      }),
    );
    return { mu, kappa };
  }

  async decode(z: Float32Array, count: number): Promise<Float32Array> {
    const { decoder, batchSize, latentDim, imageSize } = this.options;
    if (count === 0) return new Float32Array(0);
    const [out] = batched(count, batchSize, (start, end) =>
      tf.tidy(() => {
        const logits = decoder.apply(tf.tensor2d(z.subarray(start * latentDim, end * latentDim), [end - start, latentDim]), { training: false }) as tf.Tensor;
        if (logits.size !== (end - start) * imageSize * imageSize) {
          throw new EvalInputError(`decoder of "${this.name}" gives shape [${logits.shape}], expected [${end - start}, ${imageSize}, ${imageSize}, 1]`);
        }
        return [tf.sigmoid(logits).dataSync() as Float32Array];
      }),
    );
    return out;
  }

  dispose(): void {
    this.options.encoder.dispose();
    this.options.decoder.dispose();
  }
}

export interface TfJudgeOptions {
  label: string;
  imageSize: number;
  seed?: number;
  trainedWith?: TrainedWith;
  batchSize: number;
  /** image [n, S, S, 1] in [0, 1] -> class logits [n, 10]. */
  model: tfl.LayersModel;
}

export class TfJudgeRunner implements JudgeRunner {
  readonly label: string;
  readonly imageSize: number;
  readonly seed?: number;
  readonly trainedWith?: TrainedWith;
  private readonly options: TfJudgeOptions;

  constructor(options: TfJudgeOptions) {
    this.options = options;
    this.label = options.label;
    this.imageSize = options.imageSize;
    if (options.seed !== undefined) this.seed = options.seed;
    if (options.trainedWith !== undefined) this.trainedWith = options.trainedWith;
  }

  async classify(images: Float32Array, count: number): Promise<Uint8Array> {
    const { model, batchSize, imageSize } = this.options;
    if (count === 0) return new Uint8Array(0);
    const [classes] = batched(count, batchSize, (start, end) =>
      tf.tidy(() => {
        const logits = model.apply(imagesTensor(images, start, end, imageSize), { training: false }) as tf.Tensor;
        if (logits.shape.length !== 2 || logits.shape[0] !== end - start) throw new EvalInputError(`judge gives logits of shape [${logits.shape}], expected [${end - start}, classes]`);
        return [tf.cast(tf.argMax(logits, 1), 'float32').dataSync() as Float32Array];
      }),
    );
    return Uint8Array.from(classes);
  }

  dispose(): void {
    this.options.model.dispose();
  }
}
