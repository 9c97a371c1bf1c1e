import * as tf from '@tensorflow/tfjs-core';
import { besselOp } from './bessel-terms.ts';
import { logGamma } from './log-gamma.ts';
import { besselOrder } from './sphere.ts';

/**
 * KL(vMF(mu, kappa) || Uniform(S^{m-1})) elementwise over float32 `kappa > 0` (it does not depend on mu),
 * for ambient dimension m = `ambientDim` >= 2. Gradient dKL/dkappa = kappa A_m'(kappa)
 * = kappa (1 - A_m^2) - (m - 1) A_m.
 *
 * The textbook form kappa A_m + log C_m(kappa) + log|S^{m-1}| subtracts numbers of size ~m log m to
 * produce results of size ~kappa^2/m (negative or NaN in float32 for m = 64 and 128 at kappa ~ 1).
 * Here, per element, the form with the smaller terms is used:
 *   small kappa:  KL = kappa A - log 0F1(; m/2; kappa^2/4)                    (both terms >= 0, ~kappa^2/m)
 *   large kappa:  KL = nu log(kappa/2) - log Gamma(nu+1) - log Ive_nu(kappa) - kappa (1 - A)
 * the second avoiding the O(kappa) terms kappa A and log 0F1 ~ kappa that the first would subtract.
 */
export function klVmfUniform<T extends tf.Tensor>(kappa: T, ambientDim: number): T {
  const nu = besselOrder(ambientDim);
  const logGammaNuPlusOne = logGamma(nu + 1);
  return besselOp(kappa, nu, (terms, k) => {
    const kappaRatio = tf.mul(k, terms.ratio);
    const smallKappaForm = tf.sub(kappaRatio, terms.log0F1);
    const kappaComplement = tf.mul(k, terms.ratioComplement);
    const powerTerm = nu === 0 ? null : tf.mul(tf.log(k), nu);
    const constant = -nu * Math.LN2 - logGammaNuPlusOne;
    let largeKappaForm = tf.neg(tf.add(terms.logIve, kappaComplement));
    if (powerTerm !== null) largeKappaForm = tf.add(largeKappaForm, tf.add(powerTerm, constant));
    // Rounding error of each form is ~eps times the sum of the magnitudes of its terms.
    const smallKappaScale = tf.add(kappaRatio, terms.log0F1);
    let largeKappaScale = tf.add(tf.abs(terms.logIve), kappaComplement);
    if (powerTerm !== null) largeKappaScale = tf.add(largeKappaScale, tf.add(tf.abs(powerTerm), Math.abs(constant)));
    return {
      value: tf.where(tf.lessEqual(smallKappaScale, largeKappaScale), smallKappaForm, largeKappaForm),
      derivative: terms.kappaRatioDerivative,
    };
  });
}
