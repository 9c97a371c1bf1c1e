import * as tf from '@tensorflow/tfjs-core';
import { besselOp } from './bessel-terms.ts';
import { besselOrder } from './sphere.ts';

/**
 * R_nu(kappa) = I_{nu+1}(kappa) / I_nu(kappa), elementwise over float32 `kappa > 0`, numeric order
 * nu in [0, 1000]. Gradient dR/dkappa = 1 - R^2 - (2nu+1) R/kappa, evaluated in a form that does not
 * cancel for kappa >> nu (the textbook form loses all digits there in float32).
 */
export function besselIRatio<T extends tf.Tensor>(kappa: T, nu: number): T {
  return besselOp(kappa, nu, (terms, k) => ({
    value: terms.ratio,
    derivative: tf.div(terms.kappaRatioDerivative, k),
  }));
}

/**
 * A_m(kappa) = I_{m/2}(kappa) / I_{m/2-1}(kappa), the mean resultant length E[mu . z] of a vMF on the
 * sphere in R^m (m = `ambientDim` = number of entries of mu, m >= 2).
 */
export function meanResultantLength<T extends tf.Tensor>(kappa: T, ambientDim: number): T {
  return besselIRatio(kappa, besselOrder(ambientDim));
}
