import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { besselReference, relativeError } from './bessel-reference.ts';
import { InvalidDistributionArgumentError } from './errors.ts';
import { HypersphericalUniform } from './hyperspherical-uniform.ts';
import { klDivergence } from './kl-registry.ts';
import { klVmfUniform } from './kl-vmf-uniform.ts';
import { VMF_TABLE } from './reference-tables.ts';
import { kolmogorovSmirnov, kolmogorovSmirnovCritical, meanWithStandardError } from './sample-statistics.ts';
import { VonMisesFisher } from './von-mises-fisher.ts';
import { tidyValues } from './tidy-values.ts';

const f32 = Math.fround;

/** n random unit rows in R^m, including e1 and -e1 as the first two rows. */
function randomDirections(n: number, m: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const raw = tf.randomNormal([n, m], 0, 1, 'float32', seed);
    const poles = tf.concat([tf.mul(tf.oneHot([0, 0], m), tf.tensor2d([[1], [-1]])), tf.slice(raw, [2, 0], [n - 2, m])]);
    return tf.div(poles, tf.norm(poles, 'euclidean', 1, true)) as tf.Tensor2D;
  });
}

/** Samples and the cosines mu.z, the latter in float64 from the float32 tensors. */
function sampleCosines(m: number, kappa: number, n: number, seed: number): { cosines: Float64Array; norms: Float64Array } {
  const [muValues, zValues] = tidyValues(() => {
    const mu = randomDirections(n, m, seed + 1);
    const z = new VonMisesFisher(mu, tf.fill([n, 1], kappa) as tf.Tensor2D).sample(seed);
    return [mu.dataSync(), z.dataSync()];
  });
  {
    const cosines = new Float64Array(n);
    const norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      let sq = 0;
      for (let j = 0; j < m; j++) {
        dot += muValues[i * m + j] * zValues[i * m + j];
        sq += zValues[i * m + j] ** 2;
      }
      cosines[i] = dot;
      norms[i] = Math.sqrt(sq);
    }
    return { cosines, norms };
  }
}

describe('VonMisesFisher sampling', () => {
  it('gives unit vectors whose mean cosine mu.z is A_m(kappa) within 4 standard errors', () => {
    // m in {3, 6, 10, 64} x kappa in {0.1, 1, 10, 100, 1e4}, 20000 samples each, random mu incl. +-e1.
    for (const m of [3, 6, 10, 64]) {
      for (const kappa of [0.1, 1, 10, 100, 1e4].map(f32)) {
        const { cosines, norms } = sampleCosines(m, kappa, 20000, 17);
        const worstNorm = norms.reduce((worst, norm) => Math.max(worst, Math.abs(norm - 1)), 0);
        expect(worstNorm, `m=${m} kappa=${kappa}`).toBeLessThan(1e-6);
        const { mean, standardError } = meanWithStandardError(cosines);
        const expected = besselReference(m / 2 - 1, kappa).ratio;
        expect(Math.abs(mean - expected), `m=${m} kappa=${kappa}: ${mean} vs ${expected}`).toBeLessThan(4 * standardError);
      }
    }
  });

  it('for m = 3 passes a Kolmogorov-Smirnov test of w = mu.z against its closed-form CDF (alpha = 0.01)', () => {
    for (const kappa of [0.1, 1, 10, 100, 1e4].map(f32)) {
      const n = 20000;
      const { cosines } = sampleCosines(3, kappa, n, 23);
      // F(w) = (e^{kappa (w - 1)} - e^{-2 kappa}) / (1 - e^{-2 kappa}), in expm1 form.
      const cdf = (w: number) => (Math.expm1(kappa * (w - 1)) - Math.expm1(-2 * kappa)) / -Math.expm1(-2 * kappa);
      expect(kolmogorovSmirnov(cosines, cdf), `kappa=${kappa}`).toBeLessThan(kolmogorovSmirnovCritical(n, 0.01));
    }
  });

  it('has mean vector A_m(kappa) mu (per coordinate within 4 standard errors)', () => {
    const m = 6;
    const n = 20000;
    const direction = [0.2, -0.5, 0.1, 0.7, 0.3, -0.35];
    const norm = Math.hypot(...direction);
    const muRow = direction.map((v) => v / norm);
    const z = tidyValues(() => {
      const mu = tf.tile(tf.tensor2d([muRow]), [n, 1]) as tf.Tensor2D;
      return new VonMisesFisher(mu, tf.fill([n, 1], 10) as tf.Tensor2D).sample(31).arraySync();
    });
    const a = besselReference(2, 10).ratio;
    for (let j = 0; j < m; j++) {
      const { mean, standardError } = meanWithStandardError(z.map((row) => row[j]));
      expect(Math.abs(mean - a * muRow[j]), `coordinate ${j}`).toBeLessThan(4 * standardError);
    }
  });

  it('is pure: the same seed gives the same samples, another seed different ones', () => {
    for (const m of [3, 10]) {
      const draw = (seed: number) =>
        tidyValues(() => new VonMisesFisher(randomDirections(50, m, 1), tf.fill([50, 1], 5) as tf.Tensor2D).sample(seed).dataSync());
      const a = draw(42);
      expect(Array.from(draw(42))).toEqual(Array.from(a));
      const b = draw(43);
      expect(a.filter((v, i) => v !== b[i]).length).toBeGreaterThan(a.length / 2);
    }
    const mu = randomDirections(4, 3, 1);
    expect(() => new VonMisesFisher(mu, tf.ones([4, 1])).sample(1.5)).toThrow(/safe integer/);
  });

  it('passes gradients to mu and kappa, finite even when mu = +-e1 and for kappa from 1e-6 to 1e5', () => {
    for (const m of [2, 3, 6]) {
      const n = 64;
      const mu = randomDirections(n, m, 2);
      const kappa = tf.tensor2d(Array.from({ length: n }, (_, i) => [10 ** (-6 + (11 * i) / (n - 1))]));
      const target = tf.randomNormal([n, m], 0, 1, 'float32', 3);
      const [gMu, gKappa] = tf.grads((u: tf.Tensor, k: tf.Tensor) =>
        tf.sum(tf.mul(new VonMisesFisher(u as tf.Tensor2D, k as tf.Tensor2D).sample(5), target)),
      )([mu, kappa]);
      expect(Array.from(gMu.dataSync()).every(Number.isFinite), `m=${m} mu`).toBe(true);
      expect(Array.from(gKappa.dataSync()).every(Number.isFinite), `m=${m} kappa`).toBe(true);
      tf.dispose([mu, kappa, target, gMu, gKappa]);
    }
  });

  it('creates no tensors beyond its results (sampling, densities, KL and their gradients)', () => {
    const mu = randomDirections(8, 6, 4);
    const kappa = tf.fill([8, 1], 3) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grads((u: tf.Tensor, k: tf.Tensor) => {
        const q = new VonMisesFisher(u as tf.Tensor2D, k as tf.Tensor2D);
        const z = q.sample(9);
        return tf.sum(tf.add(tf.add(q.logProb(z), q.entropy()), tf.add(tf.sum(q.mean()), q.klToUniform())));
      })([mu, kappa]);
    });
    expect(tf.memory().numTensors).toBe(before);
    const q = new VonMisesFisher(mu, kappa);
    const z = q.sample(1);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([z, mu, kappa]);
  });
});

describe('VonMisesFisher densities and moments', () => {
  it('has the tabulated entropy (1e-6 relative) and KL to the uniform prior through the registry', () => {
    for (const row of VMF_TABLE) {
      const mu = tf.cast(tf.oneHot([1], row.m), 'float32') as tf.Tensor2D;
      const q = new VonMisesFisher(mu, tf.tensor2d([[row.kappa]]));
      const [entropy] = q.entropy().dataSync();
      expect(relativeError(entropy, row.entropy), `m=${row.m} kappa=${row.kappa}`).toBeLessThan(1e-6);
      const [kl] = klDivergence(q, new HypersphericalUniform(row.m)).dataSync();
      expect(relativeError(kl, row.kl)).toBeLessThan(1e-6);
      const [mean] = q.mean().dataSync().slice(1, 2);
      expect(relativeError(mean, row.meanResultantLength)).toBeLessThan(1e-6);
      expect(Array.from(q.mode().dataSync())).toEqual(Array.from(mu.dataSync()));
    }
  });

  it('has log p(z) = kappa mu.z + log C_m(kappa), without O(kappa) cancellation', () => {
    const m = 10;
    const kappas = [0.5, 30, 1e4].map(f32);
    const mu = tf.tile(tf.cast(tf.oneHot([0], m), 'float32'), [3, 1]) as tf.Tensor2D;
    const q = new VonMisesFisher(mu, tf.tensor2d(kappas, [3, 1]));
    const z = q.sample(2);
    const logProb = q.logProb(z).dataSync();
    const w = tf.slice(z, [0, 0], [3, 1]).dataSync();
    kappas.forEach((kappa, i) => {
      const ref = besselReference(4, kappa);
      // log C_m + kappa = nu log kappa - (m/2) log 2 pi - log Ive, in float64 from the reference.
      const expected = kappa * (w[i] - 1) + 4 * Math.log(kappa) - 5 * Math.log(2 * Math.PI) - ref.logIve;
      expect(Math.abs(logProb[i] - expected), `kappa=${kappa}`).toBeLessThan(1e-6 * (Math.abs(expected) + 10));
    });
  });

  it('gives KL gradients equal to dKL/dkappa (the KL does not depend on mu)', () => {
    const mu = tf.tensor2d([[0.6, 0.8, 0]]);
    const kappa = tf.tensor2d([[7]]);
    const gKappa = tf.grad((k: tf.Tensor) =>
      tf.sum(klDivergence(new VonMisesFisher(mu, k as tf.Tensor2D), new HypersphericalUniform(3))),
    )(kappa);
    expect(relativeError(gKappa.dataSync()[0], besselReference(0.5, 7).kappaRatioDerivative)).toBeLessThan(1e-6);
    expect(klVmfUniform(kappa, 3).dataSync()[0]).toBeCloseTo(besselReference(0.5, 7).klToUniform, 5);
  });

  it('refuses mismatched shapes, dtypes and spheres, saying what to pass', () => {
    const mu = tf.tensor2d([[1, 0, 0]]);
    expect(() => new VonMisesFisher(mu, tf.tensor2d([[1], [2]]))).toThrow(/kappa must be \[1, 1\]/);
    expect(() => new VonMisesFisher(tf.tensor2d([[1]]), tf.tensor2d([[1]]))).toThrow(InvalidDistributionArgumentError);
    expect(() => new VonMisesFisher(mu, tf.tensor2d([[1]], [1, 1], 'int32'))).toThrow(/float32/);
    expect(() => new VonMisesFisher(mu, tf.tensor2d([[1]]), { proposalsPerSample: 0 })).toThrow(/positive integer/);
    const q = new VonMisesFisher(mu, tf.tensor2d([[1]]));
    expect(() => klDivergence(q, new HypersphericalUniform(4))).toThrow(/R\^3.*R\^4/);
    expect(() => q.logProb(tf.tensor2d([[1, 0]]))).toThrow(/\[1, 3\]/);
  });
});
