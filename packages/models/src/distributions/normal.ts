import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from './distribution.ts';
import { InvalidDistributionArgumentError } from './errors.ts';
import { registerKL } from './kl-registry.ts';
import { deriveSeedMurmur3 } from '@sgvae/contracts/seeds';
import { checkSeed } from './seeds.ts';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * A batch of diagonal Gaussians N(loc, diag(scale^2)) on R^d: `loc` (the mean) and `scale` (standard
 * deviations, > 0) are float32 [B, d] and stay owned by the caller. The N-VAE latent; sampling is
 * reparameterised (loc + scale * eps).
 */
export class Normal implements Distribution {
  readonly batchSize: number;
  readonly eventSize: number;

  constructor(
    readonly loc: tf.Tensor2D,
    readonly scale: tf.Tensor2D,
  ) {
    if (loc.rank !== 2 || scale.rank !== 2 || loc.shape[0] !== scale.shape[0] || loc.shape[1] !== scale.shape[1]) {
      throw new InvalidDistributionArgumentError(
        `loc and scale must both be [batch, dim] with the same shape, got [${loc.shape}] and [${scale.shape}]`,
      );
    }
    this.batchSize = loc.shape[0];
    this.eventSize = loc.shape[1];
  }

  sample(seed: number): tf.Tensor2D {
    checkSeed(seed);
    return tf.tidy(() => {
      const eps = tf.randomNormal(this.loc.shape, 0, 1, 'float32', deriveSeedMurmur3(seed, 0));
      return tf.add(this.loc, tf.mul(this.scale, eps)) as tf.Tensor2D;
    });
  }

  logProb(value: tf.Tensor2D): tf.Tensor1D {
    checkShape(value, this);
    return tf.tidy(() => {
      const standardised = tf.div(tf.sub(value, this.loc), this.scale);
      const perDim = tf.add(tf.mul(tf.square(standardised), 0.5), tf.add(tf.log(this.scale), HALF_LOG_TWO_PI));
      return tf.neg(tf.sum(perDim, 1)) as tf.Tensor1D;
    });
  }

  entropy(): tf.Tensor1D {
    return tf.tidy(() => tf.sum(tf.add(tf.log(this.scale), 0.5 + HALF_LOG_TWO_PI), 1) as tf.Tensor1D);
  }

  mean(): tf.Tensor2D {
    return tf.clone(this.loc);
  }
}

/**
 * The standard normal N(0, I) on R^d, the N-VAE prior. Holds no tensors; `batchSize` only sets how
 * many rows `sample`, `entropy` and `mean` return.
 */
export class StandardNormal implements Distribution {
  constructor(
    readonly eventSize: number,
    readonly batchSize = 1,
  ) {
    for (const [name, v] of [['eventSize', eventSize], ['batchSize', batchSize]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new InvalidDistributionArgumentError(`${name}=${v} must be a positive integer`);
    }
  }

  sample(seed: number): tf.Tensor2D {
    checkSeed(seed);
    return tf.randomNormal([this.batchSize, this.eventSize], 0, 1, 'float32', deriveSeedMurmur3(seed, 0));
  }

  logProb(value: tf.Tensor2D): tf.Tensor1D {
    if (value.rank !== 2 || value.shape[1] !== this.eventSize) {
      throw new InvalidDistributionArgumentError(`value must be [n, ${this.eventSize}], got [${value.shape}]`);
    }
    return tf.tidy(
      () => tf.neg(tf.add(tf.mul(tf.sum(tf.square(value), 1), 0.5), this.eventSize * HALF_LOG_TWO_PI)) as tf.Tensor1D,
    );
  }

  entropy(): tf.Tensor1D {
    return tf.fill([this.batchSize], this.eventSize * (0.5 + HALF_LOG_TWO_PI)) as tf.Tensor1D;
  }

  mean(): tf.Tensor2D {
    return tf.zeros([this.batchSize, this.eventSize]);
  }
}

function checkShape(value: tf.Tensor2D, d: Normal): void {
  if (value.rank !== 2 || value.shape[0] !== d.batchSize || value.shape[1] !== d.eventSize) {
    throw new InvalidDistributionArgumentError(`value must be [${d.batchSize}, ${d.eventSize}], got [${value.shape}]`);
  }
}

// With r = s1/s2: KL = sum log(1/r) + (r^2 + ((m1 - m2)/s2)^2)/2 - 1/2 = sum (expm1(2 log r) - 2 log r)/2 + ((m1-m2)/s2)^2/2;
// the expm1 form keeps the posterior-collapse regime (s1 ~ s2) accurate in float32.
function klNormalFromLogRatio(logRatio: tf.Tensor, standardisedShift: tf.Tensor): tf.Tensor1D {
  const twice = tf.mul(logRatio, 2);
  const perDim = tf.mul(tf.add(tf.sub(tf.expm1(twice), twice), tf.square(standardisedShift)), 0.5);
  return tf.sum(perDim, 1) as tf.Tensor1D;
}

registerKL(Normal, Normal, (p, q) => {
  if (p.eventSize !== q.eventSize || p.batchSize !== q.batchSize) {
    throw new InvalidDistributionArgumentError(
      `KL(Normal || Normal) needs equal shapes, got [${p.batchSize}, ${p.eventSize}] and [${q.batchSize}, ${q.eventSize}]`,
    );
  }
  return tf.tidy(() =>
    klNormalFromLogRatio(tf.sub(tf.log(p.scale), tf.log(q.scale)), tf.div(tf.sub(p.loc, q.loc), q.scale)),
  );
});

registerKL(Normal, StandardNormal, (p, q) => {
  if (p.eventSize !== q.eventSize) {
    throw new InvalidDistributionArgumentError(
      `KL(Normal || StandardNormal) needs the same dimension, got ${p.eventSize} and ${q.eventSize}`,
    );
  }
  return tf.tidy(() => klNormalFromLogRatio(tf.log(p.scale), p.loc));
});
