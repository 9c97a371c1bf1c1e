// Small serialisable layers for the latent heads: tfjs-layers cannot save
// Lambda layers, so the output maps of mu, kappa and the Gaussian scale are
// layers of their own.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { layers, type Shape } from '@tensorflow/tfjs-layers';
import { singleTensor, type BaseLayerArgs, type LayerKwargs } from '../equivariant/equivariant-layer.ts';
import { NetConfigError } from './errors.ts';

/** x / max(||x||, sqrt(1e-12)) along the last axis: the vMF mean direction mu. */
export class L2Normalize extends layers.Layer {
  static readonly className = 'L2Normalize';

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, L2Normalize.className);
      // Same guard as tf.math.l2_normalize: a zero vector maps to zero, not NaN.
      return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-12)));
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }
}

export interface SoftplusShiftArgs extends BaseLayerArgs {
  /** Added to softplus(x): 1 for kappa (s-vae's guard against collapse), a small floor for a Gaussian scale. */
  shift: number;
}

/** softplus(x) + shift, elementwise. */
export class SoftplusShift extends layers.Layer {
  static readonly className = 'SoftplusShift';
  readonly shift: number;

  constructor(args: SoftplusShiftArgs) {
    super(args);
    if (typeof args.shift !== 'number' || !Number.isFinite(args.shift) || args.shift < 0) {
      throw new NetConfigError('shift', `SoftplusShift needs a finite non-negative shift, got ${String(args.shift)}`);
    }
    this.shift = args.shift;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: LayerKwargs): tf.Tensor {
    return tf.tidy(() => tf.add(tf.softplus(singleTensor(inputs, SoftplusShift.className)), this.shift));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), shift: this.shift };
  }
}

serialization.registerClass(L2Normalize);
serialization.registerClass(SoftplusShift);
