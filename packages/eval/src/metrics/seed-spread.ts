// The spread of a number between training runs that differ only in their
// seed: mean, sample standard deviation and a Student-t interval for the mean
// over seeds. A per-run Wilson interval says how well one run's accuracy is
// measured on a finite test set; this interval says how much the number moves
// when the model is trained again, which on a few CPU epochs is usually more.
import { EvalInputError } from '../errors.ts';
import type { Interval } from './accuracy.ts';

export interface Spread {
  /** Number of runs (seeds). */
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator); 0 for a single run. */
  sd: number;
  /** Student-t interval for the mean over seeds; null for a single run. */
  interval: Interval | null;
  values: number[];
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error about 1e-15). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T <= t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t quantile for a two-sided level, e.g. (0.95, 2) -> 4.302653. Bisection on the CDF to 1e-12. */
export function studentTQuantileTwoSided(level: number, df: number): number {
  if (!(level > 0 && level < 1)) throw new EvalInputError(`confidence level must be in (0, 1), got ${level}`);
  if (!(df >= 1)) throw new EvalInputError(`degrees of freedom must be at least 1, got ${df}`);
  const p = 1 - (1 - level) / 2;
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Mean, sample sd and the t interval of the mean, at `level`. */
export function spreadOf(values: readonly number[], level: number): Spread {
  if (values.length === 0) throw new EvalInputError('spreadOf: no values; pass one value per run');
  if (values.some((v) => !Number.isFinite(v))) throw new EvalInputError(`spreadOf: every value must be finite, got ${values.join(', ')}`);
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { n, mean, sd: 0, interval: null, values: [...values] };
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = (studentTQuantileTwoSided(level, n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, interval: { lower: mean - half, upper: mean + half, level }, values: [...values] };
}
