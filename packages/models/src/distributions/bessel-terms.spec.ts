import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { besselReference } from './bessel-reference.ts';
import { DEBYE_MIN_S, besselTerms } from './bessel-terms.ts';
import { InvalidDistributionArgumentError } from './errors.ts';

// Log-spaced kappa from 1e-6 to 1e5 (6 per decade) plus points on both sides of the
// series/Debye switch S = sqrt(nu^2 + kappa^2) = 16, rounded to float32 so that the float64
// reference is evaluated at exactly the kappa the float32 code sees.
function kappaGrid(nu: number): number[] {
  const grid: number[] = [];
  for (let e = -36; e <= 30; e++) grid.push(10 ** (e / 6));
  if (nu < DEBYE_MIN_S) {
    const edge = Math.sqrt(DEBYE_MIN_S ** 2 - nu ** 2);
    grid.push(edge * (1 - 1e-6), edge, edge * (1 + 1e-6), edge * 0.97, edge * 1.03);
  }
  return grid.map(Math.fround);
}

const ORDERS = [0, 0.5, 1, 2, 4, 4.5, 9.5, 15.5, 16, 17, 31, 49, 63, 99.5, 100, 300, 1000];
const QUANTITIES = ['logIve', 'log0F1', 'ratio', 'ratioComplement', 'kappaRatioDerivative'] as const;

describe('besselTerms (float32) against the float64 series reference', () => {
  // Worst relative errors measured over this grid (float32 resolution is 6e-8):
  // logIve 7e-7, log0F1 3e-7, ratio 4e-7, 1 - ratio 5e-7, kappa dR/dkappa 6e-7.
  // log I_nu crosses zero (e.g. nu = 16 at kappa ~ 12), where a relative error is meaningless;
  // there the error is bounded by its conditioning: |err| <= 1e-6 max(|log I|, kappa R + nu), where
  // kappa R + nu = d log I / d log kappa is what one float32 rounding of kappa (or log kappa) costs.
  it('is within 1e-6 relative for every quantity, nu in [0, 1000], kappa in [1e-6, 1e5], and never NaN/Inf', () => {
    const worst: Record<string, number> = {};
    for (const nu of ORDERS) {
      const kappas = kappaGrid(nu);
      const terms = besselTerms(tf.tensor1d(kappas), nu);
      const values = Object.fromEntries(
        (['logI', ...QUANTITIES] as const).map((name) => [name, terms[name].dataSync()]),
      );
      tf.dispose(Object.values(terms));
      kappas.forEach((kappa, i) => {
        const ref = besselReference(nu, kappa);
        const at = `nu=${nu} kappa=${kappa}`;
        const record = (name: string, err: number) => {
          // NaN compares false, so it is caught here too.
          if (!(err < 1e-6)) throw new Error(`${name} at ${at}: error ${err}`);
          worst[name] = Math.max(worst[name] ?? 0, err);
        };
        for (const name of QUANTITIES) record(name, Math.abs(values[name][i] - ref[name]) / Math.abs(ref[name]));
        const scale = Math.max(Math.abs(ref.logI), kappa * ref.ratio + nu);
        record('logI (of its scale)', Math.abs(values.logI[i] - ref.logI) / scale);
      });
    }
    for (const err of Object.values(worst)) expect(err).toBeLessThan(1e-6);
    // Keep the measured accuracy visible in the test log.
    console.info('besselTerms worst relative errors:', Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', '));
  });

  it('is continuous across the series/Debye switch to float32 resolution', () => {
    for (const nu of [0, 0.5, 2, 4.5, 9.5]) {
      const edge = Math.sqrt(DEBYE_MIN_S ** 2 - nu ** 2);
      const below = Math.fround(edge * (1 - 2 ** -22));
      const above = Math.fround(edge * (1 + 2 ** -22));
      const terms = besselTerms(tf.tensor1d([below, above]), nu);
      for (const name of ['logI', ...QUANTITIES] as const) {
        const [a, b] = terms[name].dataSync();
        expect(Math.abs(a - b) / Math.abs(b), `${name} nu=${nu}`).toBeLessThan(2e-6);
      }
      tf.dispose(Object.values(terms));
    }
  });

  it('keeps the shape of kappa and disposes its intermediates', () => {
    const kappa = tf.tensor2d([0.5, 3, 40, 900], [2, 2]);
    const before = tf.memory().numTensors;
    const terms = besselTerms(kappa, 2);
    expect(terms.ratio.shape).toEqual([2, 2]);
    expect(tf.memory().numTensors - before).toBe(6);
    tf.dispose(Object.values(terms));
    kappa.dispose();
  });

  it('refuses orders outside [0, 1000] and non-float32 kappa, saying what to pass', () => {
    const kappa = tf.tensor1d([1]);
    expect(() => besselTerms(kappa, -1)).toThrow(InvalidDistributionArgumentError);
    expect(() => besselTerms(kappa, Number.NaN)).toThrow(/m\/2 - 1/);
    const ints = tf.tensor1d([1], 'int32');
    expect(() => besselTerms(ints, 1)).toThrow(/tf.cast/);
    tf.dispose([kappa, ints]);
  });
});
