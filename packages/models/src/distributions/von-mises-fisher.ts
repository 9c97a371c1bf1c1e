import * as tf from '@tensorflow/tfjs-core';
import { meanResultantLength } from './bessel-ratio.ts';
import type { Distribution } from './distribution.ts';
import { InvalidDistributionArgumentError } from './errors.ts';
import { placeAroundMu } from './householder.ts';
import { HypersphericalUniform } from './hyperspherical-uniform.ts';
import { klVmfUniform } from './kl-vmf-uniform.ts';
import { registerKL } from './kl-registry.ts';
import { deriveSeedMurmur3 } from '@sgvae/contracts/seeds';
import { checkSeed } from './seeds.ts';
import { checkAmbientDim, logSphereArea } from './sphere.ts';
import { sampleVmfCosine } from './vmf-cosine-sampler.ts';
import { vmfShiftedLogNormalizer } from './vmf-log-normalizer.ts';

export interface VonMisesFisherOptions {
  /**
   * Wood proposals per sample and round (m != 3). Acceptance is >= 0.68 for m in {3..64}, so a row
   * needs a second round with probability < 1e-8 at the default 16.
   */
  proposalsPerSample?: number;
}

const TINY = 1e-30;

/**
 * A batch of von Mises-Fisher distributions on the unit sphere S^{m-1} in R^m:
 * p(z) = C_m(kappa) exp(kappa mu.z). `mu` is [B, m] with unit rows (m = ambientDim >= 2, the number
 * of entries of mu; the sphere itself has dimension m - 1), `kappa` is [B, 1] and positive
 * (e.g. softplus(.) + 1 from an encoder). Both are float32 and stay owned by the caller.
 *
 * Sampling is reparameterised: gradients reach mu through the Householder map and kappa through the
 * sampled cosine w (for m != 3 only the g_rep term of Davidson et al. 2018; g_cor is omitted, see
 * `sampleVmfCosine`). KL to the uniform prior, entropy and log-density are differentiated exactly.
 */
export class VonMisesFisher implements Distribution {
  readonly batchSize: number;
  readonly ambientDim: number;
  readonly eventSize: number;
  private readonly proposalsPerSample: number;

  constructor(
    readonly mu: tf.Tensor2D,
    readonly kappa: tf.Tensor2D,
    options: VonMisesFisherOptions = {},
  ) {
    if (mu.rank !== 2) {
      throw new InvalidDistributionArgumentError(`mu must be [batch, ambientDim], got shape [${mu.shape}]`);
    }
    const [batchSize, ambientDim] = mu.shape;
    checkAmbientDim(ambientDim, 'mu.shape[1] (the ambient dimension m)');
    if (kappa.rank !== 2 || kappa.shape[0] !== batchSize || kappa.shape[1] !== 1) {
      throw new InvalidDistributionArgumentError(
        `kappa must be [${batchSize}, 1] to match mu [${mu.shape}], got [${kappa.shape}]; ` +
          'use one concentration per row (tf.reshape(kappa, [-1, 1]))',
      );
    }
    for (const [name, t] of [['mu', mu], ['kappa', kappa]] as const) {
      if (t.dtype !== 'float32') {
        throw new InvalidDistributionArgumentError(`${name} must be float32, got ${t.dtype}`);
      }
    }
    const proposals = options.proposalsPerSample ?? 16;
    if (!Number.isInteger(proposals) || proposals < 1) {
      throw new InvalidDistributionArgumentError(`proposalsPerSample=${proposals} must be a positive integer`);
    }
    this.batchSize = batchSize;
    this.ambientDim = ambientDim;
    this.eventSize = ambientDim;
    this.proposalsPerSample = proposals;
  }

  /**
   * One sample per row: the cosine w around the pole, a uniform direction in the tangent space
   * (normalised Gaussian on S^{m-2}), and the Householder reflection of the pole onto mu.
   */
  sample(seed: number): tf.Tensor2D {
    checkSeed(seed);
    return tf.tidy(() => {
      const cosine = sampleVmfCosine(this.kappa, this.ambientDim, deriveSeedMurmur3(seed, 0), {
        proposalsPerSample: this.proposalsPerSample,
      });
      const normal = tf.randomNormal([this.batchSize, this.ambientDim - 1], 0, 1, 'float32', deriveSeedMurmur3(seed, 1));
      const tangent = tf.div(normal, tf.maximum(tf.norm(normal, 'euclidean', 1, true), TINY)) as tf.Tensor2D;
      return placeAroundMu(this.mu, cosine, tangent);
    });
  }

  /** log p(z) = kappa (mu.z - 1) + (log C_m(kappa) + kappa), per row of `value` [B, m]. */
  logProb(value: tf.Tensor2D): tf.Tensor1D {
    if (value.rank !== 2 || value.shape[0] !== this.batchSize || value.shape[1] !== this.ambientDim) {
      throw new InvalidDistributionArgumentError(
        `value must be [${this.batchSize}, ${this.ambientDim}] like mu, got [${value.shape}]`,
      );
    }
    return tf.tidy(() => {
      const cosine = tf.sum(tf.mul(this.mu, value), 1, true);
      const logDensity = tf.add(tf.mul(this.kappa, tf.sub(cosine, 1)), vmfShiftedLogNormalizer(this.kappa, this.ambientDim));
      return tf.reshape(logDensity, [this.batchSize]) as tf.Tensor1D;
    });
  }

  /** H = log |S^{m-1}| - KL(vMF || uniform), per row. */
  entropy(): tf.Tensor1D {
    return tf.tidy(() => tf.sub(logSphereArea(this.ambientDim), this.klToUniform()) as tf.Tensor1D);
  }

  /** E[z] = A_m(kappa) mu, per row. */
  mean(): tf.Tensor2D {
    return tf.tidy(() => tf.mul(meanResultantLength(this.kappa, this.ambientDim), this.mu) as tf.Tensor2D);
  }

  /** The most likely point, mu. */
  mode(): tf.Tensor2D {
    return tf.clone(this.mu);
  }

  /** KL(vMF || Uniform(S^{m-1})) per row (also what `klDivergence(vmf, uniform)` returns). */
  klToUniform(): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(klVmfUniform(this.kappa, this.ambientDim), [this.batchSize]) as tf.Tensor1D);
  }
}

registerKL(VonMisesFisher, HypersphericalUniform, (p, q) => {
  if (p.ambientDim !== q.ambientDim) {
    throw new InvalidDistributionArgumentError(
      `KL(vMF || uniform) needs the same sphere: the vMF lives in R^${p.ambientDim}, the uniform in R^${q.ambientDim}`,
    );
  }
  return p.klToUniform();
});
