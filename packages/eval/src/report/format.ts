import type { Interval } from '../metrics/accuracy.ts';

export const pct = (v: number, digits = 1) => `${(100 * v).toFixed(digits)}%`;
export const interval = (i: Interval, digits = 1) => `[${(100 * i.lower).toFixed(digits)}, ${(100 * i.upper).toFixed(digits)}]`;
export const fixed = (v: number, digits = 3) => v.toFixed(digits);
/** 30_300 -> "30.3k" (the paper's style for losses). */
export const thousands = (v: number) => (Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(1));
export const degrees = (v: number, digits = 1) => `${v.toFixed(digits)}°`;
