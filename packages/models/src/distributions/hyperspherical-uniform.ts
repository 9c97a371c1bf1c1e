import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from './distribution.ts';
import { InvalidDistributionArgumentError } from './errors.ts';
import { deriveSeedMurmur3 } from '@sgvae/contracts/seeds';
import { checkSeed } from './seeds.ts';
import { checkAmbientDim, logSphereArea } from './sphere.ts';

/**
 * The uniform distribution on the unit sphere S^{m-1} in R^m (m = `ambientDim` >= 2), the prior of
 * the S-VAE. Holds no tensors. `batchSize` only sets how many rows `sample`, `entropy` and `mean` return.
 */
export class HypersphericalUniform implements Distribution {
  readonly eventSize: number;
  /** log |S^{m-1}| (float64). */
  readonly logArea: number;

  constructor(
    readonly ambientDim: number,
    readonly batchSize = 1,
  ) {
    checkAmbientDim(ambientDim);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new InvalidDistributionArgumentError(`batchSize=${batchSize} must be a positive integer`);
    }
    this.eventSize = ambientDim;
    this.logArea = logSphereArea(ambientDim);
  }

  /** Normalised standard-normal vectors (uniform by rotation invariance). */
  sample(seed: number): tf.Tensor2D {
    checkSeed(seed);
    return tf.tidy(() => {
      const normal = tf.randomNormal([this.batchSize, this.ambientDim], 0, 1, 'float32', deriveSeedMurmur3(seed, 0));
      return tf.div(normal, tf.norm(normal, 'euclidean', 1, true)) as tf.Tensor2D;
    });
  }

  /** -log |S^{m-1}| for every row of `value` (which must have m columns). */
  logProb(value: tf.Tensor2D): tf.Tensor1D {
    if (value.rank !== 2 || value.shape[1] !== this.ambientDim) {
      throw new InvalidDistributionArgumentError(
        `value has shape [${value.shape}] but the sphere lives in R^${this.ambientDim}; pass [n, ${this.ambientDim}]`,
      );
    }
    return tf.fill([value.shape[0]], -this.logArea) as tf.Tensor1D;
  }

  entropy(): tf.Tensor1D {
    return tf.fill([this.batchSize], this.logArea) as tf.Tensor1D;
  }

  mean(): tf.Tensor2D {
    return tf.zeros([this.batchSize, this.ambientDim]);
  }
}
