// The sphere S^{m-1} in R^m: m is the ambient dimension (entries of mu), m - 1
// the sphere's own dimension, nu = m/2 - 1 the Bessel order of the vMF.
import { InvalidDistributionArgumentError } from './errors.ts';
import { logGamma } from './log-gamma.ts';

/** Throws unless `ambientDim` is an integer m >= 2 (S^1 in the plane is the smallest sphere). */
export function checkAmbientDim(ambientDim: number, what = 'ambientDim'): void {
  if (!Number.isInteger(ambientDim) || ambientDim < 2) {
    throw new InvalidDistributionArgumentError(
      `${what}=${ambientDim} must be an integer >= 2: it is the number of entries of mu (the sphere S^{m-1} ` +
        'lives in R^m), not the dimension m - 1 of the sphere itself.',
    );
  }
}

/** Bessel order nu = m/2 - 1 of the vMF on S^{m-1}. */
export function besselOrder(ambientDim: number): number {
  checkAmbientDim(ambientDim);
  return ambientDim / 2 - 1;
}

/** log |S^{m-1}| = log 2 + (m/2) log pi - log Gamma(m/2), in float64. */
export function logSphereArea(ambientDim: number): number {
  checkAmbientDim(ambientDim);
  return Math.LN2 + (ambientDim / 2) * Math.log(Math.PI) - logGamma(ambientDim / 2);
}
