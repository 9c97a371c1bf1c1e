import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { besselReference, relativeError } from './bessel-reference.ts';
import { logSphereArea } from './sphere.ts';
import { vmfShiftedLogNormalizer } from './vmf-log-normalizer.ts';

const f32 = Math.fround;

describe('vmfShiftedLogNormalizer (log C_m(kappa) + kappa)', () => {
  it('matches the float64 reference and its gradient 1 - A_m matches central differences', () => {
    for (const m of [2, 3, 6, 64]) {
      const nu = m / 2 - 1;
      const kappas = [1e-4, 0.3, 12, 90, 2e3, 1e5].map(f32);
      const k = tf.tensor1d(kappas);
      const value = vmfShiftedLogNormalizer(k, m).dataSync();
      const slope = tf.grad((x: tf.Tensor) => tf.sum(vmfShiftedLogNormalizer(x, m)))(k).dataSync();
      const reference = (kappa: number) =>
        (nu === 0 ? 0 : nu * Math.log(kappa)) - (m / 2) * Math.log(2 * Math.PI) - besselReference(nu, kappa).logIve;
      kappas.forEach((kappa, i) => {
        // A sum of three float32 terms (nu log kappa, (m/2) log 2 pi, log Ive) that can partly cancel
        // (0.89 from terms ~2.7 at m = 3, kappa = 12): bounded relative to their sum of magnitudes.
        const ref = besselReference(nu, kappa);
        const magnitude = Math.abs(nu * Math.log(kappa)) + (m / 2) * Math.log(2 * Math.PI) + Math.abs(ref.logIve);
        expect(Math.abs(value[i] - reference(kappa)), `m=${m} kappa=${kappa}`).toBeLessThan(1e-6 * magnitude);
        expect(relativeError(slope[i], besselReference(nu, kappa).ratioComplement), `slope m=${m} kappa=${kappa}`).toBeLessThan(1e-6);
        // The float64 reference of log I is only good to ~1e-9 absolute at kappa ~ 1e5 (its series
        // runs over ~5e4 terms), too coarse for differences there; check the slope by them below 1e4.
        if (kappa > 1e4) return;
        const h = 1e-4 * kappa;
        const fd = (reference(kappa + h) - reference(kappa - h)) / (2 * h);
        expect(relativeError(slope[i], fd), `fd slope m=${m} kappa=${kappa}`).toBeLessThan(1e-6);
      });
    }
  });

  it('normalises the density: |S^{m-2}| int_{-1}^{1} C e^{kappa w} (1 - w^2)^{(m-3)/2} dw = 1', () => {
    for (const m of [3, 6]) {
      for (const kappa of [0.1, 3, 50]) {
        const [shifted] = vmfShiftedLogNormalizer(tf.tensor1d([kappa]), m).dataSync();
        // Simpson on w in [-1, 1]; the integrand is smooth for m = 3 and 6.
        const n = 20000;
        let integral = 0;
        for (let i = 0; i <= n; i++) {
          const w = -1 + (2 * i) / n;
          const weight = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
          integral += weight * Math.exp(shifted + kappa * (w - 1)) * (1 - w * w) ** ((m - 3) / 2);
        }
        integral *= (2 / n / 3) * Math.exp(logSphereArea(m - 1));
        expect(Math.abs(integral - 1), `m=${m} kappa=${kappa}`).toBeLessThan(2e-6);
      }
    }
  });
});
