import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { besselReference, relativeError } from './bessel-reference.ts';
import { logBesselI, logBesselIve } from './log-bessel-i.ts';
import { IVE_DERIVATIVE_TABLE, LOG_BESSEL_I_DERIVATIVE_TABLE, LOG_BESSEL_I_TABLE } from './reference-tables.ts';
import { tidyValues } from './tidy-values.ts';

const f32 = Math.fround;

function valueAndSlope(op: (k: tf.Tensor) => tf.Tensor, kappas: number[]): { value: Float32Array; slope: Float32Array } {
  return tidyValues(() => {
    const k = tf.tensor1d(kappas);
    const value = op(k).dataSync() as Float32Array;
    const slope = tf.grad((x: tf.Tensor) => tf.sum(op(x)))(k).dataSync() as Float32Array;
    return { value, slope };
  });
}

describe('logBesselI', () => {
  it('matches the mpmath table (nu up to 49, kappa 1e-3 .. 1e4) to 1e-6 relative in float32', () => {
    for (const { nu, kappa, logI } of LOG_BESSEL_I_TABLE) {
      const [value] = logBesselI(tf.tensor1d([kappa]), nu).dataSync();
      expect(relativeError(value, logI), `nu=${nu} kappa=${kappa}`).toBeLessThan(1e-6);
    }
  });

  it('has the tabulated derivative I_{v+1}/I_v + v/kappa to 1e-6 relative', () => {
    for (const { nu, kappa, derivative } of LOG_BESSEL_I_DERIVATIVE_TABLE) {
      const { slope } = valueAndSlope((k) => logBesselI(k, nu), [kappa]);
      expect(relativeError(slope[0], derivative), `nu=${nu} kappa=${kappa}`).toBeLessThan(1e-6);
    }
  });

  it('has a gradient equal to central differences of the float64 reference (1e-6 relative)', () => {
    for (const nu of [0, 0.5, 2, 15.5, 31, 99.5]) {
      const kappas = [1e-5, 0.01, 1, 15, 17, 300, 5e4].map(f32);
      const { slope } = valueAndSlope((k) => logBesselI(k, nu), kappas);
      kappas.forEach((kappa, i) => {
        // h = 1e-4 kappa: truncation ~h^2 (1e-8 relative), rounding ~1e-16 |log I| / h.
        const h = 1e-4 * kappa;
        const fd = (besselReference(nu, kappa + h).logI - besselReference(nu, kappa - h).logI) / (2 * h);
        expect(relativeError(slope[i], fd), `nu=${nu} kappa=${kappa}`).toBeLessThan(1e-6);
      });
    }
  });

  it('stays finite where I_nu under- or overflows float32 (nu = 100, kappa = 1e-6; kappa = 1e5)', () => {
    const { value, slope } = valueAndSlope((k) => logBesselI(k, 100), [1e-6, 1e5]);
    // log I_100(1e-6) = 100 log(5e-7) - log(100!) = -1814.6; I_100(1e5) ~ e^99988.
    expect(relativeError(value[0], besselReference(100, f32(1e-6)).logI)).toBeLessThan(1e-6);
    expect(relativeError(value[1], besselReference(100, 1e5).logI)).toBeLessThan(1e-6);
    expect([...value, ...slope].every(Number.isFinite)).toBe(true);
  });

  it('frees everything it creates inside tf.tidy, gradient included', () => {
    const kappa = tf.tensor2d([[0.3], [30]]);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grad((k: tf.Tensor) => tf.sum(logBesselI(k, 4.5)))(kappa);
    });
    expect(tf.memory().numTensors).toBe(before);
    kappa.dispose();
  });
});

describe('logBesselIve', () => {
  it('gives log I - kappa without the O(kappa) cancellation', () => {
    const kappas = [1e-4, 1, 20, 1e3, 1e5].map(f32);
    for (const nu of [0, 2, 49]) {
      const { value, slope } = valueAndSlope((k) => logBesselIve(k, nu), kappas);
      kappas.forEach((kappa, i) => {
        const ref = besselReference(nu, kappa);
        expect(relativeError(value[i], ref.logIve), `nu=${nu} kappa=${kappa}`).toBeLessThan(1e-6);
        // The slope is the difference nu/kappa - (1 - R) of two float32 quantities (100x cancellation at
        // nu = 49, kappa = 1e3), so its error is bounded relative to the size of the terms.
        const terms = nu / kappa + ref.ratioComplement;
        expect(Math.abs(slope[i] - (nu / kappa - ref.ratioComplement)), `slope nu=${nu} kappa=${kappa}`).toBeLessThan(
          1e-6 * terms,
        );
      });
    }
  });

  it('reproduces the derivative of the s-vae ive (exp of this op) from the table', () => {
    for (const { nu, kappa, derivative } of IVE_DERIVATIVE_TABLE) {
      const { slope } = valueAndSlope((k) => tf.exp(logBesselIve(k, nu)), [kappa]);
      // d ive/dkappa = ive (nu/kappa - (1 - R)); the bracket cancels 8x at (2, 10).
      expect(relativeError(slope[0], derivative), `nu=${nu} kappa=${kappa}`).toBeLessThan(1e-5);
    }
  });
});
