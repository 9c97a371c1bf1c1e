// The float32 evaluation shared by every Bessel-based op of this module:
// log I_nu(kappa) (plain, exponentially scaled, and as log 0F1), the ratio
// R = I_{nu+1}/I_nu, its complement 1 - R and kappa dR/dkappa, all as
// TensorFlow.js ops on a tensor of kappa with the order nu a number.
//
// Two regimes, chosen per element by S = sqrt(nu^2 + kappa^2):
//
// * S < 16 (only possible for nu < 16): the power series. All terms are
//   positive, so nothing cancels; terms come from a cumulative product of
//   their ratios (one cumprod over a [n, 2, J] block), not from j log(x) plus
//   log-gamma constants (constants of size ~150 carry ~1e-5 of rounding in
//   float32). R = (2/kappa) E[j] under the term weights; dR/dkappa comes from
//   the product formula for I_nu^2 as a second positive series (derivation in
//   bessel-reference.ts), and 1 - R from the Riccati equation of R.
// * S >= 16: the uniform asymptotic (Debye) expansion with 8 correction terms
//   (first omitted term < 3.5e-10, see debye-polynomials.ts). Every quantity is
//   written so that no two large terms cancel: S - kappa = nu^2/(S + kappa),
//   log(kappa/(nu + S)) = -log1p((nu + S - kappa)/kappa), S1 - S0 = (2nu+1)/(S0 + S1), and
//   the ratio and its kappa-derivative are differentiated analytically rather than
//   formed as differences of log I (which are O(kappa) apart from O(1) results).
//
// Nothing here takes the log of a number that can underflow: the smallest
// logged quantities are kappa itself, S, and 1 + (positive) arguments of log1p.
import * as tf from '@tensorflow/tfjs-core';
import { debyePolynomials } from './debye-polynomials.ts';
import { InvalidDistributionArgumentError } from './errors.ts';
import { logGamma, stirlingRemainder } from './log-gamma.ts';

/** Below this S = sqrt(nu^2 + kappa^2) the series is used, above it the Debye expansion. */
export const DEBYE_MIN_S = 16;
/** Number of Debye correction terms u_1 .. u_K. */
export const DEBYE_TERMS = 8;
/** Highest power of the Debye variable (u_k has powers up to p^{3k}). */
const DEBYE_POWERS = 3 * DEBYE_TERMS;
/** Series terms are kept until they are this small relative to the sum (float32 sees 6e-8). */
const SERIES_TAIL = 1e-10;
/** Orders above this are refused: the accuracy tests (bessel-terms.spec.ts) go up to nu = 1000. */
export const MAX_ORDER = 1000;

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

export interface BesselTerms {
  /** log I_nu(kappa). */
  logI: tf.Tensor;
  /** log I_nu(kappa) - kappa (log of the exponentially scaled function). */
  logIve: tf.Tensor;
  /** log 0F1(; nu + 1; kappa^2/4) = log I_nu - nu log(kappa/2) + log Gamma(nu + 1), >= 0. */
  log0F1: tf.Tensor;
  /** R = I_{nu+1}(kappa) / I_nu(kappa). */
  ratio: tf.Tensor;
  /** 1 - R, accurate when R is close to 1. */
  ratioComplement: tf.Tensor;
  /** kappa dR/dkappa, accurate where kappa (1 - R^2) - (2nu+1) R would cancel. */
  kappaRatioDerivative: tf.Tensor;
}

const COLUMNS = ['logI', 'logIve', 'log0F1', 'ratio', 'ratioComplement', 'kappaRatioDerivative'] as const;

interface SeriesPlan {
  /** kappa^2 below which the series is used (S < DEBYE_MIN_S). */
  kappaSquaredMax: number;
  kappaMax: number;
  length: number;
  /** [2, J]: ratios of consecutive terms divided by kappa^2, for 0F1 (row 0) and the product series (row 1). */
  ratioCoefficients: Float32Array;
  /** [2J, 3]: sums to (0F1 - 1, sum_j j t_j, F' - 1). */
  reduce: Float32Array;
}

interface DebyePlan {
  /** 't': polynomials in t = 1/S (small nu, including 0); 'p': in p = nu'/S (nu >= DEBYE_MIN_S). */
  variable: 't' | 'p';
  /** [2 (P+1), C] weights of the monomials x^0..x^P of the two orders nu, nu+1. */
  weights: Float32Array;
  columns: number;
  /** For 'p': V at kappa = 0 (p = 1), float64. */
  vAtZero: number;
}

interface BesselPlan {
  nu: number;
  logGammaNuPlusOne: number;
  series: SeriesPlan | null;
  debye: DebyePlan;
}

const plans = new Map<number, BesselPlan>();

function checkOrder(nu: number): void {
  if (!Number.isFinite(nu) || nu < 0 || nu > MAX_ORDER) {
    throw new InvalidDistributionArgumentError(
      `Bessel order nu=${nu} is outside [0, ${MAX_ORDER}]; for a vMF on the sphere in R^m the order is m/2 - 1, ` +
        'so pass an ambient dimension m >= 2.',
    );
  }
}

// Terms of both series at the largest x the series handles decide how many
// terms are needed; computed once per order in float64.
function buildSeriesPlan(nu: number): SeriesPlan | null {
  const kappaSquaredMax = DEBYE_MIN_S * DEBYE_MIN_S - nu * nu;
  if (kappaSquaredMax <= 0) return null;
  const x = kappaSquaredMax / 4;
  const lengthFor = (ratio: (j: number) => number, weight: (j: number) => number): number => {
    let term = 1;
    let sum = weight(0);
    for (let j = 1; j < 10_000; j++) {
      const r = ratio(j);
      term *= r;
      sum += term * weight(j);
      if (r < 1 && term * weight(j) < SERIES_TAIL * sum) return j;
    }
    throw new Error(`series for nu=${nu} did not converge`);
  };
  const f0Ratio = (j: number) => x / (j * (nu + j));
  const productRatio = (j: number) =>
    (x * (2 * nu + 2 * j) * (2 * nu + 2 * j - 1)) / (j * (nu + j) * (nu + j + 1) * (2 * nu + j + 1));
  const length = Math.max(
    lengthFor(f0Ratio, () => 1),
    lengthFor(f0Ratio, (j) => j),
    lengthFor(productRatio, () => 1),
  );
  const ratioCoefficients = new Float32Array(2 * length);
  const reduce = new Float32Array(2 * length * 3);
  for (let j = 1; j <= length; j++) {
    ratioCoefficients[j - 1] = f0Ratio(j) / kappaSquaredMax;
    ratioCoefficients[length + j - 1] = productRatio(j) / kappaSquaredMax;
    reduce[(j - 1) * 3 + 0] = 1;
    reduce[(j - 1) * 3 + 1] = j;
    reduce[(length + j - 1) * 3 + 2] = 1;
  }
  return { kappaSquaredMax, kappaMax: Math.sqrt(kappaSquaredMax), length, ratioCoefficients, reduce };
}

// Splits sum_k u_k(p)/nu^k into monomials of one variable:
//   't': u_k(p)/nu^k = sum_i c_{k,i} nu^{2i} t^{k+2i}   (finite at nu = 0: the Hankel expansion)
//   'p': u_k(p)/nu^k = sum_i c_{k,i} p^{k+2i} / nu^k     (for large nu, where nu^{2i} would overflow float32)
// Columns: V_nu, V_{nu+1}, W_nu, W_{nu+1} (W = sum_j j coef_j x^j, so dV/dkappa = -(kappa/S^2) W),
// and for 'p' also G_nu with V(p) - V(1) = -(1 - p) sum_i G_i p^i.
function buildDebyePlan(nu: number): DebyePlan {
  const u = debyePolynomials(DEBYE_TERMS);
  const variable: 't' | 'p' = nu >= DEBYE_MIN_S ? 'p' : 't';
  const coefficientsFor = (order: number): number[] => {
    const coef = new Array<number>(DEBYE_POWERS + 1).fill(0);
    for (let k = 1; k <= DEBYE_TERMS; k++) {
      for (let e = k; e <= 3 * k; e += 2) {
        const c = u[k][e];
        if (variable === 't') {
          const i = (e - k) / 2;
          coef[e] += c * order ** (2 * i);
        } else {
          coef[e] += c / order ** k;
        }
      }
    }
    return coef;
  };
  const columns = variable === 'p' ? 5 : 4;
  const rows = DEBYE_POWERS + 1;
  const weights = new Float32Array(2 * rows * columns);
  const lower = coefficientsFor(nu);
  const upper = coefficientsFor(nu + 1);
  for (let j = 0; j < rows; j++) {
    weights[j * columns + 0] = lower[j];
    weights[j * columns + 2] = j * lower[j];
    weights[(rows + j) * columns + 1] = upper[j];
    weights[(rows + j) * columns + 3] = j * upper[j];
  }
  let vAtZero = 0;
  if (variable === 'p') {
    vAtZero = lower.reduce((s, c) => s + c, 0);
    // G_i = sum_{j > i} beta_j, so that sum_j beta_j (p^j - 1) = -(1 - p) sum_i G_i p^i.
    let tail = 0;
    const g = new Array<number>(rows).fill(0);
    for (let i = rows - 1; i >= 0; i--) {
      g[i] = tail;
      tail += lower[i];
    }
    for (let j = 0; j < rows; j++) weights[j * columns + 4] = g[j];
  }
  return { variable, weights, columns, vAtZero };
}

function planFor(nu: number): BesselPlan {
  let plan = plans.get(nu);
  if (plan === undefined) {
    plan = { nu, logGammaNuPlusOne: logGamma(nu + 1), series: buildSeriesPlan(nu), debye: buildDebyePlan(nu) };
    plans.set(nu, plan);
  }
  return plan;
}

/** Series regime; `kappa` is [n, 1] with S < DEBYE_MIN_S. Returns the six columns as [n, 6]. */
function seriesColumns(kappa: tf.Tensor2D, plan: BesselPlan, series: SeriesPlan): tf.Tensor2D {
  const { nu } = plan;
  const n = kappa.shape[0];
  const kappaSquared = tf.square(kappa);
  const ratios = tf.mul(
    tf.reshape(kappaSquared, [n, 1, 1]),
    tf.tensor3d(series.ratioCoefficients, [1, 2, series.length]),
  );
  const terms = tf.reshape(tf.cumprod(ratios, 2), [n, 2 * series.length]);
  const sums = tf.matMul(terms, tf.tensor2d(series.reduce, [2 * series.length, 3]));
  const [f0MinusOne, indexSum, fPrimeMinusOne] = tf.split(sums, 3, 1);
  const f0 = tf.add(f0MinusOne, 1);
  const log0F1 = tf.log1p(f0MinusOne);
  const ratio = tf.div(tf.mul(indexSum, 2), tf.mul(kappa, f0));
  // kappa R' = kappa F' / (2 (nu+1) F0^2), F' the product series (see bessel-reference.ts).
  const kappaRatioDerivative = tf.div(
    tf.mul(kappa, tf.add(fPrimeMinusOne, 1)),
    tf.mul(tf.square(f0), 2 * (nu + 1)),
  );
  const logI =
    nu === 0
      ? log0F1
      : tf.add(tf.mul(tf.log(kappa), nu), tf.add(log0F1, -nu * Math.LN2 - plan.logGammaNuPlusOne));
  const logIve = tf.sub(logI, kappa);
  // 1 - R from the Riccati equation R' = 1 - R^2 - (2nu+1) R/kappa: a sum of positive terms, where
  // 1 - R itself keeps only the ~1e-7 absolute accuracy of R (4e-6 relative at nu = 0, kappa = 10).
  const ratioComplement = tf.div(
    tf.add(kappaRatioDerivative, tf.mul(ratio, 2 * nu + 1)),
    tf.mul(kappa, tf.add(ratio, 1)),
  );
  return tf.concat([logI, logIve, log0F1, ratio, ratioComplement, kappaRatioDerivative], 1) as tf.Tensor2D;
}

/** Debye regime; `kappa` is [n, 1] with S >= DEBYE_MIN_S. Returns the six columns as [n, 6]. */
function debyeColumns(kappa: tf.Tensor2D, plan: BesselPlan): tf.Tensor2D {
  const { nu, debye } = plan;
  const n = kappa.shape[0];
  const orders = tf.tensor2d([nu, nu + 1], [1, 2]);
  const ordersSquared = tf.tensor2d([nu * nu, (nu + 1) * (nu + 1)], [1, 2]);
  const kappaSquared = tf.square(kappa);
  const sSquared = tf.add(kappaSquared, ordersSquared); // [n, 2]: S0^2, S1^2
  const s = tf.sqrt(sSquared);
  const variable = debye.variable === 'p' ? tf.div(orders, s) : tf.reciprocal(s);
  const exponents = tf.reshape(tf.range(0, DEBYE_POWERS + 1, 1, 'float32'), [1, 1, DEBYE_POWERS + 1]);
  const monomials = tf.reshape(
    tf.exp(tf.mul(tf.reshape(tf.log(variable), [n, 2, 1]), exponents)),
    [n, 2 * (DEBYE_POWERS + 1)],
  );
  const sums = tf.matMul(monomials, tf.tensor2d(debye.weights, [2 * (DEBYE_POWERS + 1), debye.columns]));
  const v = tf.slice(sums, [0, 0], [n, 2]); // V_nu, V_{nu+1}
  const w = tf.slice(sums, [0, 2], [n, 2]); // W_nu, W_{nu+1}
  const logOnePlusV = tf.log1p(v);

  // e = S - kappa = nu'^2 / (S + kappa); L = log((nu' + S)/kappa) = log1p((nu' + e)/kappa).
  const sMinusKappa = tf.div(ordersSquared, tf.add(s, kappa));
  const logRatioNuS = tf.log1p(tf.div(tf.add(sMinusKappa, orders), kappa));
  const [s0, s1] = tf.split(s, 2, 1);
  const [e0] = tf.split(sMinusKappa, 2, 1);
  const [l0, l1] = tf.split(logRatioNuS, 2, 1);
  const [logOnePlusV0, logOnePlusV1] = tf.split(logOnePlusV, 2, 1);

  // log Ive = (S0 - kappa) + nu log(kappa/(nu + S0)) - log(2 pi S0)/2 + log1p(V0)
  let logIve = tf.add(tf.sub(e0, tf.mul(tf.log(s0), 0.5)), tf.sub(logOnePlusV0, HALF_LOG_TWO_PI));
  if (nu > 0) logIve = tf.sub(logIve, tf.mul(l0, nu));
  const logI = tf.add(logIve, kappa);

  // log R = (S1 - S0) - L1 - nu log1p((1 + S1 - S0)/(nu + S0)) - log1p((S1 - S0)/S0)/2 + log1p(V1) - log1p(V0)
  const sSum = tf.add(s0, s1);
  const delta = tf.div(2 * nu + 1, sSum);
  let rest = tf.add(tf.sub(delta, tf.mul(tf.log1p(tf.div(delta, s0)), 0.5)), tf.sub(logOnePlusV1, logOnePlusV0));
  if (nu > 0) rest = tf.sub(rest, tf.mul(tf.log1p(tf.div(tf.add(delta, 1), tf.add(s0, nu))), nu));
  const logRatio = tf.sub(rest, l1);
  // R = kappa/(nu + 1 + S1) * exp(rest): keeps full relative accuracy when R is tiny.
  const ratio = tf.mul(tf.div(kappa, tf.add(s1, nu + 1)), tf.exp(rest));
  const ratioComplement = tf.neg(tf.expm1(logRatio));

  // d log R/dkappa = (2nu+1)/(kappa (S0+S1)) + (2nu+1) kappa/(2 S0^2 S1^2) + V1'/(1+V1) - V0'/(1+V0),
  // with V' = -(kappa/S^2) W; every term is O(nu/kappa^2) for large kappa, none cancels.
  const [s0Squared, s1Squared] = tf.split(sSquared, 2, 1);
  const vTerms = tf.div(w, tf.mul(sSquared, tf.add(v, 1))); // W/(S^2 (1+V))
  const [vTerm0, vTerm1] = tf.split(vTerms, 2, 1);
  const leading = tf.mul(
    delta,
    tf.add(1, tf.div(tf.mul(kappaSquared, sSum), tf.mul(tf.mul(s0Squared, s1Squared), 2))),
  );
  const kappaRatioDerivative = tf.mul(ratio, tf.sub(leading, tf.mul(kappaSquared, tf.sub(vTerm1, vTerm0))));

  // log 0F1 = (S0 - nu) - nu log1p((S0 - nu)/(2 nu)) - log1p((S0 - nu)/nu)/2 + log1p(V0) + C(nu),
  // C(nu) the Stirling remainder; S0 - nu = kappa^2/(S0 + nu). No term is larger than ~kappa.
  let log0F1: tf.Tensor;
  if (nu === 0) {
    log0F1 = logI;
  } else {
    const s0MinusNu = tf.div(kappaSquared, tf.add(s0, nu));
    let correction: tf.Tensor;
    if (debye.variable === 'p') {
      // log1p(V0) + C(nu) = log1p((V(p) - V(1))/(1 + V(1))) + [log1p(V(1)) + C(nu)]. At p = 1
      // (kappa = 0) the infinite Debye series is Stirling's series, so the bracket is only the
      // truncation error of the 8-term sum (~1e-14 at nu = 16) and is dropped: log 0F1 is then
      // exactly 0 at kappa = 0, as it must be. V(p) - V(1) = -(1 - p) G(p) with
      // 1 - p = (S0 - nu)/S0 avoids subtracting two ~1/(12 nu) numbers to get ~kappa^2/nu^2.
      const g = tf.slice(sums, [0, 4], [n, 1]);
      const vMinusVAtZero = tf.neg(tf.mul(tf.div(s0MinusNu, s0), g));
      correction = tf.log1p(tf.div(vMinusVAtZero, 1 + debye.vAtZero));
    } else {
      correction = tf.add(logOnePlusV0, stirlingRemainder(nu));
    }
    log0F1 = tf.add(
      tf.sub(s0MinusNu, tf.mul(tf.log1p(tf.div(s0MinusNu, 2 * nu)), nu)),
      tf.sub(correction, tf.mul(tf.log1p(tf.div(s0MinusNu, nu)), 0.5)),
    );
  }
  return tf.concat([logI, logIve, log0F1, ratio, ratioComplement, kappaRatioDerivative], 1) as tf.Tensor2D;
}

/**
 * Evaluates the Bessel quantities of order `nu` (a number in [0, 1000]) at every
 * element of `kappa` (float32, > 0). Each returned tensor has the shape of `kappa`.
 * No gradient is defined here; the public ops wrap this in `tf.customGrad`.
 */
export function besselTerms(kappa: tf.Tensor, nu: number): BesselTerms {
  checkOrder(nu);
  if (kappa.dtype !== 'float32') {
    throw new InvalidDistributionArgumentError(`kappa must be float32, got ${kappa.dtype}; cast it with tf.cast(kappa, 'float32')`);
  }
  const plan = planFor(nu);
  const columns = tf.tidy(() => {
    const flat = tf.reshape(kappa, [-1, 1]) as tf.Tensor2D;
    const { series } = plan;
    if (series === null) return tf.split(debyeColumns(flat, plan), COLUMNS.length, 1);
    // Each regime sees a kappa clamped into its own range, so neither produces
    // Inf/NaN on the elements the other one handles.
    const inSeries = tf.less(tf.square(flat), series.kappaSquaredMax);
    const fromSeries = seriesColumns(tf.minimum(flat, series.kappaMax), plan, series);
    const fromDebye = debyeColumns(tf.maximum(flat, series.kappaMax), plan);
    const chosen = tf.where(tf.tile(inSeries, [1, COLUMNS.length]), fromSeries, fromDebye);
    return tf.split(chosen, COLUMNS.length, 1);
  });
  const out = {} as Record<(typeof COLUMNS)[number], tf.Tensor>;
  COLUMNS.forEach((name, i) => {
    out[name] = tf.reshape(columns[i], kappa.shape);
    columns[i].dispose();
  });
  return out;
}

/**
 * Builds an op of kappa whose gradient is `derivative(terms, kappa)` (evaluated in the same pass as
 * the value and saved for the backward pass). Intermediates are disposed by the engine's tidy
 * around the forward function; the derivative is only kept while a tape is recording.
 */
export function besselOp<T extends tf.Tensor>(
  kappa: T,
  nu: number,
  evaluate: (terms: BesselTerms, kappa: tf.Tensor) => { value: tf.Tensor; derivative: tf.Tensor },
): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const { value, derivative } = evaluate(besselTerms(input, nu), input);
    save([derivative]);
    return { value: value as T, gradFunc: (dy: T, saved: tf.Tensor[]) => [tf.mul(dy, saved[0])] };
  });
  return op(kappa) as T;
}
