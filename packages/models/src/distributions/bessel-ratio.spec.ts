import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { besselReference, relativeError } from './bessel-reference.ts';
import { besselIRatio, meanResultantLength } from './bessel-ratio.ts';
import { VMF_TABLE } from './reference-tables.ts';

const f32 = Math.fround;

describe('meanResultantLength A_m and besselIRatio', () => {
  it('matches the A_m column of the mpmath table to 1e-6 relative', () => {
    for (const { m, kappa, meanResultantLength: expected } of VMF_TABLE) {
      const [value] = meanResultantLength(tf.tensor1d([kappa]), m).dataSync();
      expect(relativeError(value, expected), `m=${m} kappa=${kappa}`).toBeLessThan(1e-6);
    }
  });

  it('follows the small-kappa asymptote A_m ~ kappa/m', () => {
    const kappa = f32(1e-4);
    for (const m of [2, 3, 6, 10, 64, 128]) {
      const [value] = meanResultantLength(tf.tensor1d([kappa]), m).dataSync();
      // Next term is -kappa^3/(m^2 (m+2)): relative 1e-8/(m(m+2)), below float32 resolution.
      expect(relativeError(value, kappa / m), `m=${m}`).toBeLessThan(1e-6);
    }
  });

  it('equals coth(kappa) - 1/kappa for m = 3', () => {
    // Series for small kappa: coth(k) - 1/k cancels in float64 there too.
    const exact = (k: number) =>
      k < 0.1 ? k / 3 - k ** 3 / 45 + (2 * k ** 5) / 945 : 1 / Math.tanh(k) - 1 / k;
    const kappas = [1e-4, 0.01, 0.5, 1, 5, 20, 100, 1e4, 1e5].map(f32);
    const values = meanResultantLength(tf.tensor1d(kappas), 3).dataSync();
    kappas.forEach((k, i) => expect(relativeError(values[i], exact(k)), `kappa=${k}`).toBeLessThan(1e-6));
  });

  it('has a gradient matching central differences of the float64 reference (1e-6 relative)', () => {
    for (const nu of [0, 0.5, 2, 31, 63]) {
      const kappas = [1e-3, 0.7, 15, 17, 120, 900].map(f32);
      const slope = tf.grad((k: tf.Tensor) => tf.sum(besselIRatio(k, nu)))(tf.tensor1d(kappas)).dataSync();
      kappas.forEach((kappa, i) => {
        const h = 1e-4 * kappa;
        const fd = (besselReference(nu, kappa + h).ratio - besselReference(nu, kappa - h).ratio) / (2 * h);
        expect(relativeError(slope[i], fd), `nu=${nu} kappa=${kappa}`).toBeLessThan(1e-6);
      });
    }
  });

  it('keeps the gradient accurate at large kappa, where 1 - A^2 - (m-1)A/kappa cancels in float32', () => {
    // At m = 100, kappa = 1e4 the textbook form loses ~4 digits (condition 2e4); compare with the
    // reference derivative (a positive series, see bessel-reference.ts) instead of differences.
    for (const [nu, kappa] of [[49, 1e4], [0, 1e5], [2, 3e4]]) {
      const [slope] = tf.grad((k: tf.Tensor) => tf.sum(besselIRatio(k, nu)))(tf.tensor1d([kappa])).dataSync();
      const ref = besselReference(nu, f32(kappa));
      expect(relativeError(slope, ref.kappaRatioDerivative / f32(kappa)), `nu=${nu}`).toBeLessThan(1e-6);
    }
  });
});
