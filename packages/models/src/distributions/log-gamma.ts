// log Gamma(x) in float64 on the JavaScript side. TensorFlow.js has no lgamma;
// every place that needs one here has a numeric (not tensor) argument: the
// Bessel order nu = m/2 - 1, the sphere area, the Stirling remainder.

// Lanczos approximation, g = 7, n = 9 (the coefficient set popularised by
// Numerical Recipes / Godfrey); relative error about 1e-15 for x >= 0.5.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** log (n!) for n = 0..169, summed directly. */
const LOG_FACTORIALS: number[] = (() => {
  const out = [0];
  for (let n = 1; n < 170; n++) out.push(out[n - 1] + Math.log(n));
  return out;
})();

/** Natural log of |Gamma(x)| for finite x that is not a non-positive integer. */
export function logGamma(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`logGamma needs a finite argument, got ${x}`);
  if (x <= 0 && Number.isInteger(x)) throw new RangeError(`logGamma has a pole at ${x}`);
  if (Number.isInteger(x) && x <= LOG_FACTORIALS.length) {
    // Exact to rounding, and exactly 0 at 1 and 2 (Lanczos leaves ~1e-15 there,
    // which is all of log I_0(kappa) ~ kappa^2/4 at kappa = 1e-7).
    return LOG_FACTORIALS[x - 1];
  }
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  if (x > 1e7) {
    // Stirling with two correction terms is exact to float64 here and avoids
    // rounding in the Lanczos sum for huge arguments.
    const inv = 1 / x;
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + inv / 12 - (inv * inv * inv) / 360;
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Stirling remainder C(nu) = log Gamma(nu + 1) - (nu log nu - nu + 0.5 log(2 pi nu)), about 1/(12 nu).
 * Computed from the asymptotic series for large nu: subtracting two ~nu log nu numbers would leave
 * only ~1e-16 * nu log nu of absolute accuracy.
 */
export function stirlingRemainder(nu: number): number {
  if (!(nu > 0)) throw new RangeError(`stirlingRemainder needs nu > 0, got ${nu}`);
  if (nu >= 10) {
    // Bernoulli series B_{2k} / (2k (2k-1) nu^{2k-1}); six terms are below 1e-17 at nu = 10.
    const inv = 1 / nu;
    const inv2 = inv * inv;
    return (
      inv *
      (1 / 12 +
        inv2 * (-1 / 360 + inv2 * (1 / 1260 + inv2 * (-1 / 1680 + inv2 * (1 / 1188 + inv2 * (-691 / 360360))))))
    );
  }
  return logGamma(nu + 1) - (nu * Math.log(nu) - nu + 0.5 * Math.log(2 * Math.PI * nu));
}
