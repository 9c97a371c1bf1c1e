import * as tf from '@tensorflow/tfjs-core';
import { besselOp } from './bessel-terms.ts';
import { besselOrder } from './sphere.ts';

/**
 * log C_m(kappa) + kappa, where C_m(kappa) = kappa^nu / ((2 pi)^{m/2} I_nu(kappa)) normalises the vMF
 * density C_m(kappa) exp(kappa mu.z) on S^{m-1}, nu = m/2 - 1. Shifted by kappa so that
 * log p(z) = kappa (mu.z - 1) + this stays free of O(kappa) cancellation at large kappa.
 * Gradient: d/dkappa = 1 - A_m(kappa).
 */
export function vmfShiftedLogNormalizer<T extends tf.Tensor>(kappa: T, ambientDim: number): T {
  const nu = besselOrder(ambientDim);
  const halfLogTwoPi = 0.5 * ambientDim * Math.log(2 * Math.PI);
  return besselOp(kappa, nu, (terms, k) => {
    const value = tf.sub(tf.neg(terms.logIve), halfLogTwoPi);
    return {
      value: nu === 0 ? value : tf.add(value, tf.mul(tf.log(k), nu)),
      derivative: terms.ratioComplement,
    };
  });
}
