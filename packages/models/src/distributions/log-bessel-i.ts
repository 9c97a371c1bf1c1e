import * as tf from '@tensorflow/tfjs-core';
import { besselOp } from './bessel-terms.ts';

/**
 * log I_nu(kappa), the modified Bessel function of the first kind in log space, elementwise over a
 * float32 tensor `kappa > 0`, for a numeric order `nu` in [0, 1000]. Finite wherever I_nu itself
 * over- or underflows float32 (e.g. log I_49(0.001) = -517). Gradient in kappa:
 * d/dkappa log I_nu = I_{nu+1}/I_nu + nu/kappa; no gradient in nu.
 */
export function logBesselI<T extends tf.Tensor>(kappa: T, nu: number): T {
  return besselOp(kappa, nu, (terms, k) => ({
    value: terms.logI,
    derivative: nu === 0 ? terms.ratio : tf.add(terms.ratio, tf.div(nu, k)),
  }));
}

/**
 * log(I_nu(kappa) e^{-kappa}), the log of the exponentially scaled function (scipy's `ive`), with the
 * gradient I_{nu+1}/I_nu + nu/kappa - 1 formed as nu/kappa - (1 - I_{nu+1}/I_nu).
 */
export function logBesselIve<T extends tf.Tensor>(kappa: T, nu: number): T {
  return besselOp(kappa, nu, (terms, k) => ({
    value: terms.logIve,
    derivative: nu === 0 ? tf.neg(terms.ratioComplement) : tf.sub(tf.div(nu, k), terms.ratioComplement),
  }));
}
