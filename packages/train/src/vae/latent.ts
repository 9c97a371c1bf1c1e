// From the encoder's outputs to a latent sample and its KL to the prior,
// through the distributions of @sgvae/models.
import * as tf from '@tensorflow/tfjs-core';
import { HypersphericalUniform, Normal, StandardNormal, VonMisesFisher, klDivergence } from '@sgvae/models';
import { TrainError } from '../errors.ts';

export type LatentFamilyName = 'vmf' | 'normal';

export interface LatentDraw {
  /** Reparameterised sample, [B, m]. */
  z: tf.Tensor2D;
  /** KL(q(z|x) || prior) per example, [B]. */
  kl: tf.Tensor1D;
  /** kappa (vMF) or the mean scale (Gaussian) per example, [B]. */
  concentration: tf.Tensor1D;
}

export interface LatentSampler {
  readonly family: LatentFamilyName;
  /** `kappa` or `scale`: the metric name of `concentration`. */
  readonly concentrationName: string;
  /** `params` are the encoder's outputs: [mu, kappa] or [mean, scale]. */
  sample(params: readonly tf.Tensor[]): LatentDraw;
}

// The sampler takes an explicit seed; drawing it from Math.random ties it to
// the training step's seeded scope (see random/seeded-random.ts).
function stepSeed(): number {
  return 1 + Math.floor(Math.random() * 0x7ffffffe);
}

export function latentSampler(family: LatentFamilyName): LatentSampler {
  if (family === 'vmf') {
    return {
      family,
      concentrationName: 'kappa',
      sample([mu, kappa]) {
        if (mu === undefined || kappa === undefined) throw new TrainError('the vMF encoder must output [mu, kappa]');
        const q = new VonMisesFisher(mu as tf.Tensor2D, kappa as tf.Tensor2D);
        const prior = new HypersphericalUniform(q.ambientDim, q.batchSize);
        return { z: q.sample(stepSeed()), kl: klDivergence(q, prior), concentration: tf.reshape(kappa, [q.batchSize]) as tf.Tensor1D };
      },
    };
  }
  return {
    family,
    concentrationName: 'scale',
    sample([mean, scale]) {
      if (mean === undefined || scale === undefined) throw new TrainError('the Gaussian encoder must output [mean, scale]');
      const q = new Normal(mean as tf.Tensor2D, scale as tf.Tensor2D);
      const prior = new StandardNormal(q.eventSize, q.batchSize);
      return { z: q.sample(stepSeed()), kl: klDivergence(q, prior), concentration: tf.mean(scale, 1) as tf.Tensor1D };
    },
  };
}
