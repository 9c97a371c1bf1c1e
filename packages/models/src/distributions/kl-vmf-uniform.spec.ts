import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { besselReference, relativeError } from './bessel-reference.ts';
import { klVmfUniform } from './kl-vmf-uniform.ts';
import { VMF_TABLE } from './reference-tables.ts';
import { logSphereArea } from './sphere.ts';
import { tidyValues } from './tidy-values.ts';

const f32 = Math.fround;

function klAndSlope(kappas: number[], m: number): { kl: Float32Array; slope: Float32Array } {
  return tidyValues(() => {
    const k = tf.tensor1d(kappas);
    return {
      kl: klVmfUniform(k, m).dataSync() as Float32Array,
      slope: tf.grad((x: tf.Tensor) => tf.sum(klVmfUniform(x, m)))(k).dataSync() as Float32Array,
    };
  });
}

describe('klVmfUniform', () => {
  it('matches KL and dKL/dkappa of the mpmath table to 1e-6 relative, including m = 64 and 128', () => {
    // The textbook float32 formula gives -0.00891 at (64, 1) and NaN at (128, 1.7).
    for (const row of VMF_TABLE) {
      const { kl, slope } = klAndSlope([row.kappa], row.m);
      expect(relativeError(kl[0], row.kl), `KL m=${row.m} kappa=${row.kappa}`).toBeLessThan(1e-6);
      expect(relativeError(slope[0], row.klDerivative), `dKL m=${row.m} kappa=${row.kappa}`).toBeLessThan(1e-6);
    }
  });

  it('is >= 0 and within 1e-6 of the float64 reference on m x kappa in {2,3,6,10,64,128} x [1e-4, 1e5]', () => {
    const kappas: number[] = [];
    for (let e = -40; e <= 50; e++) kappas.push(f32(10 ** (e / 10)));
    for (const m of [2, 3, 6, 10, 64, 128]) {
      const { kl, slope } = klAndSlope(kappas, m);
      kappas.forEach((kappa, i) => {
        const ref = besselReference(m / 2 - 1, kappa);
        expect(kl[i], `m=${m} kappa=${kappa}`).toBeGreaterThan(0);
        expect(relativeError(kl[i], ref.klToUniform), `KL m=${m} kappa=${kappa}`).toBeLessThan(1e-6);
        expect(relativeError(slope[i], ref.kappaRatioDerivative), `dKL m=${m} kappa=${kappa}`).toBeLessThan(1e-6);
      });
    }
  });

  it('follows KL ~ kappa^2/(2m) for small kappa', () => {
    const kappa = f32(1e-3);
    for (const m of [2, 3, 6, 10, 64, 128]) {
      const { kl } = klAndSlope([kappa], m);
      // Next term is O(kappa^4/m^3): relative 1e-6/m^2.
      expect(relativeError(kl[0], kappa ** 2 / (2 * m)), `m=${m}`).toBeLessThan(2e-6);
    }
  });

  it('follows KL ~ ((m-1)/2)(log(kappa/2pi) - 1) + log|S^{m-1}| for large kappa, within m^2/kappa', () => {
    for (const m of [2, 3, 6, 10, 64, 128]) {
      for (const kappa of [1e3, 1e5]) {
        const { kl } = klAndSlope([kappa], m);
        const asymptote = ((m - 1) / 2) * (Math.log(kappa / (2 * Math.PI)) - 1) + logSphereArea(m);
        expect(Math.abs(kl[0] - asymptote), `m=${m} kappa=${kappa}`).toBeLessThan((m * m) / kappa);
      }
    }
  });

  it('has a gradient equal to central differences of the float64 reference KL (1e-6 relative)', () => {
    for (const m of [2, 3, 10, 64, 128]) {
      const kappas = [1e-3, 0.5, 8, 40, 700].map(f32);
      const { slope } = klAndSlope(kappas, m);
      kappas.forEach((kappa, i) => {
        const h = 1e-4 * kappa;
        const fd =
          (besselReference(m / 2 - 1, kappa + h).klToUniform - besselReference(m / 2 - 1, kappa - h).klToUniform) / (2 * h);
        expect(relativeError(slope[i], fd), `m=${m} kappa=${kappa}`).toBeLessThan(1e-6);
      });
    }
  });

  it('refuses a sphere dimension passed as the ambient dimension', () => {
    expect(() => klVmfUniform(tf.tensor1d([1]), 1)).toThrow(/not the dimension m - 1/);
  });
});
