// Adam with decoupled weight decay (Loshchilov & Hutter 2019), in the form
// PyTorch's torch.optim.AdamW uses, so the paper's settings mean the same here:
//   p <- p * (1 - lr * wd)
//   m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g^2
//   p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
// The bias corrections are folded into two JavaScript scalars per step, so a
// variable costs a dozen small kernels and no host round trip.
import * as tf from '@tensorflow/tfjs-core';
import { TrainError } from '../errors.ts';

export interface AdamWOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay; 0 gives plain Adam. */
  weightDecay?: number;
}

/** Everything needed to continue exactly where an optimiser stopped. */
export interface AdamWState {
  /** Number of updates applied so far (t in the bias corrections). */
  step: number;
  m: tf.Tensor[];
  v: tf.Tensor[];
}

export class AdamW {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly variables: readonly tf.Variable[];
  private stepCount = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly oneMinusBeta1: tf.Scalar;
  private readonly oneMinusBeta2: tf.Scalar;
  private readonly eps: tf.Scalar;
  private disposed = false;

  constructor(variables: readonly tf.Variable[], options: AdamWOptions) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.variables = [...variables];
    // tidy frees the zero tensors; the variables survive it.
    this.m = tf.tidy(() => this.variables.map((x) => tf.variable(tf.zerosLike(x), false)));
    this.v = tf.tidy(() => this.variables.map((x) => tf.variable(tf.zerosLike(x), false)));
    this.oneMinusBeta1 = tf.keep(tf.scalar(1 - this.beta1));
    this.oneMinusBeta2 = tf.keep(tf.scalar(1 - this.beta2));
    this.eps = tf.keep(tf.scalar(this.epsilon));
  }

  get iterations(): number {
    return this.stepCount;
  }

  /** Applies one update; `grads[i]` is the gradient of `variables[i]`. Grads are not disposed. */
  applyGradients(grads: readonly tf.Tensor[]): void {
    this.assertUsable();
    if (grads.length !== this.variables.length) {
      throw new TrainError(`AdamW got ${grads.length} gradients for ${this.variables.length} variables`);
    }
    this.stepCount += 1;
    const t = this.stepCount;
    const stepSize = this.learningRate / (1 - this.beta1 ** t);
    const invSqrtBias2 = 1 / Math.sqrt(1 - this.beta2 ** t);
    const decay = 1 - this.learningRate * this.weightDecay;
    tf.tidy(() => {
      const negStep = tf.scalar(-stepSize);
      const vScale = tf.scalar(invSqrtBias2);
      const decayS = tf.scalar(decay);
      for (let i = 0; i < this.variables.length; i++) {
        const p = this.variables[i];
        const g = grads[i];
        const m = this.m[i];
        const v = this.v[i];
        // m + (1 - b1)(g - m) == b1 m + (1 - b1) g, with one kernel fewer.
        const mNew = tf.add(m, tf.mul(tf.sub(g, m), this.oneMinusBeta1));
        const vNew = tf.add(v, tf.mul(tf.sub(tf.square(g), v), this.oneMinusBeta2));
        m.assign(mNew);
        v.assign(vNew);
        const denom = tf.add(tf.mul(tf.sqrt(vNew), vScale), this.eps);
        const base = this.weightDecay === 0 ? p : tf.mul(p, decayS);
        p.assign(tf.add(base, tf.mul(tf.div(mNew, denom), negStep)));
      }
    });
  }

  /** The state as tensors owned by the optimiser (do not dispose them). */
  getState(): AdamWState {
    this.assertUsable();
    return { step: this.stepCount, m: [...this.m], v: [...this.v] };
  }

  /** Restores a state saved by `getState` (values are copied). */
  setState(state: AdamWState): void {
    this.assertUsable();
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) {
      throw new TrainError(
        `optimiser state holds ${state.m.length} moments for ${this.m.length} variables; ` +
          'it was saved for a different model',
      );
    }
    for (let i = 0; i < this.m.length; i++) {
      for (const [dst, src, what] of [
        [this.m[i], state.m[i], 'm'],
        [this.v[i], state.v[i], 'v'],
      ] as const) {
        if (!tf.util.arraysEqual(dst.shape, src.shape)) {
          throw new TrainError(
            `optimiser state ${what}[${i}] has shape [${src.shape}] but variable ${this.variables[i].name} ` +
              `has shape [${dst.shape}]; it was saved for a different model`,
          );
        }
        dst.assign(src);
      }
    }
    this.stepCount = state.step;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const x of [...this.m, ...this.v, this.oneMinusBeta1, this.oneMinusBeta2, this.eps]) x.dispose();
  }

  private assertUsable(): void {
    if (this.disposed) throw new TrainError('AdamW was used after dispose()');
  }
}
