// Statistics used by the sampler specs (float64, plain arrays).

export interface MeanEstimate {
  mean: number;
  /** Standard error of the mean: sample standard deviation / sqrt(n). */
  standardError: number;
}

export function meanWithStandardError(values: ArrayLike<number>): MeanEstimate {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2;
  return { mean, standardError: Math.sqrt(squares / (n - 1) / n) };
}

/** Kolmogorov-Smirnov statistic sup |F_n - F| of `values` against the continuous CDF `cdf`. */
export function kolmogorovSmirnov(values: ArrayLike<number>, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** Asymptotic critical value of the one-sample KS statistic at level alpha: sqrt(-ln(alpha/2)/2) / sqrt(n). */
export function kolmogorovSmirnovCritical(n: number, alpha: number): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) / Math.sqrt(n);
}
