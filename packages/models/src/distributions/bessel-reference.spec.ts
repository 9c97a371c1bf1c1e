import { describe, expect, it } from 'vitest';
import { besselReference, referenceLogSphereArea, relativeError } from './bessel-reference.ts';
import { LOG_BESSEL_I_DERIVATIVE_TABLE, LOG_BESSEL_I_TABLE, VMF_TABLE } from './reference-tables.ts';

// The float64 reference must itself agree with the mpmath tables before the
// float32 code is judged against it.
describe('besselReference (float64 series)', () => {
  it('reproduces the log I table to 1e-10 relative (table printed to 12 digits)', () => {
    for (const { nu, kappa, logI } of LOG_BESSEL_I_TABLE) {
      expect(relativeError(besselReference(nu, kappa).logI, logI), `nu=${nu} kappa=${kappa}`).toBeLessThan(1e-10);
    }
  });

  it('reproduces A_m, KL, entropy and dKL/dkappa of the vMF table', () => {
    for (const row of VMF_TABLE) {
      const nu = row.m / 2 - 1;
      const ref = besselReference(nu, row.kappa);
      const at = `m=${row.m} kappa=${row.kappa}`;
      // A at (3, 0.01) is printed with 9 significant digits.
      expect(relativeError(ref.ratio, row.meanResultantLength), at).toBeLessThan(1e-9);
      expect(relativeError(ref.klToUniform, row.kl), at).toBeLessThan(1e-9);
      expect(relativeError(referenceLogSphereArea(row.m) - ref.klToUniform, row.entropy), at).toBeLessThan(1e-10);
      expect(relativeError(referenceLogSphereArea(row.m), row.logSphereArea), at).toBeLessThan(1e-11);
      // dKL/dkappa is printed to 10 significant digits.
      expect(relativeError(ref.kappaRatioDerivative, row.klDerivative), at).toBeLessThan(1e-8);
    }
  });

  it('reproduces d/dkappa log I = I_{v+1}/I_v + v/kappa', () => {
    for (const { nu, kappa, derivative } of LOG_BESSEL_I_DERIVATIVE_TABLE) {
      const ref = besselReference(nu, kappa);
      expect(relativeError(ref.ratio + nu / kappa, derivative), `nu=${nu} kappa=${kappa}`).toBeLessThan(1e-10);
    }
  });

  it('is self-consistent: central differences of log I and of A_m match its own derivatives', () => {
    for (const nu of [0, 0.5, 2, 31]) {
      for (const kappa of [0.3, 3, 40, 2000]) {
        const h = 1e-5 * kappa;
        const fd = (besselReference(nu, kappa + h).logI - besselReference(nu, kappa - h).logI) / (2 * h);
        const ref = besselReference(nu, kappa);
        expect(relativeError(fd, ref.ratio + nu / kappa)).toBeLessThan(1e-7);
        const fdRatio = (besselReference(nu, kappa + h).ratio - besselReference(nu, kappa - h).ratio) / (2 * h);
        // The ratio difference loses ~1e-16 / (h * A') digits; 1e-5 is ample at these points.
        expect(relativeError(kappa * fdRatio, ref.kappaRatioDerivative)).toBeLessThan(1e-5);
      }
    }
  });
});
