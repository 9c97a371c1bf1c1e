import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FieldTypeError, LayerArgumentError } from './errors.ts';
import { SO2_GROUP, fourierFields, regularFields, trivialFields } from './field-type.ts';
import { FourierPointwise, fourierProjectionMatrix, fourierSamplingMatrix } from './so2-fourier-pointwise.ts';

const L = 3;
const D = 2 * L + 1;

/** Seeded angles in [0, 360) that avoid multiples of 2 pi / N for the N tested here. */
function randomAngles(count: number, seed: number): number[] {
  let s = seed;
  const out: number[] = [];
  while (out.length < count) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const deg = (s / 2147483648) * 360;
    if ([12, 16, 32].every((n) => Math.abs(((deg * n) / 360) % 1) > 0.02)) out.push(deg);
  }
  return out;
}

describe('Fourier sampling and projection matrices', () => {
  it('are orthogonal up to N / (2L+1), so the projection inverts the sampling', () => {
    for (const n of [8, 12, 16]) {
      const a = fourierSamplingMatrix(L, n);
      const p = fourierProjectionMatrix(L, n);
      for (let r = 0; r < D; r++) {
        for (let c = 0; c < D; c++) {
          let ata = 0;
          let pa = 0;
          for (let i = 0; i < n; i++) {
            ata += a[i * D + r]! * a[i * D + c]!;
            pa += p[r * n + i]! * a[i * D + c]!;
          }
          expect(ata).toBeCloseTo(r === c ? n / D : 0, 12);
          expect(pa).toBeCloseTo(r === c ? 1 : 0, 7);
        }
      }
    }
  });

  it('are exactly symmetric under quarter turns when N is a multiple of 4', () => {
    const n = 16;
    const a = fourierSamplingMatrix(L, n);
    for (let i = 0; i < n; i++) {
      const j = (i + n / 4) % n;
      expect(a[j * D]).toBe(a[i * D]);
      for (let k = 1; k <= L; k++) {
        // Sample angle + 90 degrees: (cos, sin)(k phi + k 90) from the exact quarter-turn matrix.
        const [c, s] = [a[i * D + 2 * k - 1]!, a[i * D + 2 * k]!];
        const q = k % 4;
        const want = q === 0 ? [c, s] : q === 1 ? [-s, c] : q === 2 ? [-c, -s] : [s, -c];
        expect([a[j * D + 2 * k - 1]! + 0, a[j * D + 2 * k]! + 0]).toEqual(want.map((v) => v + 0));
      }
    }
  });
});

describe('FourierPointwise (Fourier ELU)', () => {
  it('returns a band-limited field unchanged where its function is positive (ELU is the identity there)', () => {
    const fp = new FourierPointwise({ fieldType: fourierFields(L, 2), samples: 16 });
    const coeffs = tf.tensor2d([[5, 0.3, -0.2, 0.1, 0.4, -0.3, 0.2, 4, -0.5, 0.1, 0.2, 0, 0.3, -0.1]]);
    const y = fp.apply(coeffs) as tf.Tensor;
    const diff = tf.max(tf.abs(tf.sub(y, coeffs))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-5);
  });

  it('commutes exactly with quarter turns and with rotations by multiples of 2 pi / N (maps and vectors)', () => {
    const fp = new FourierPointwise({ fieldType: fourierFields(L, 3), samples: 16 });
    const maps = tf.randomNormal([2, 9, 9, 3 * D], 0, 1, 'float32', 4);
    const vectors = tf.randomNormal([32, 3 * D], 0, 1, 'float32', 5);
    const quarter = fp.checkRotationEquivariance(maps);
    const grid = fp.checkRotationEquivariance(vectors, { anglesDegrees: [22.5, 157.5, 292.5] });
    console.log(
      `Fourier ELU (L=${L}, N=16): quarter turns ${Math.max(...quarter.map((e) => e.relativeError)).toExponential(2)}, ` +
        `multiples of 22.5 deg ${Math.max(...grid.map((e) => e.relativeError)).toExponential(2)} (relative)`,
    );
    for (const e of [...quarter, ...grid]) expect(e.relativeError).toBeLessThan(1e-5);
  });

  it('has an aliasing error at random angles that stays within a bound per N and shrinks as N grows', () => {
    // escnn's criterion (test/nn/test_fourier.py): mean + std of the relative error over random
    // rotations, on unit-variance coefficients (fibre action only, [B, C] vectors).
    const BOUNDS: Record<number, number> = { 12: 0.04, 16: 0.015, 32: 0.003 };
    const x = tf.randomNormal([256, 4 * D], 0, 1, 'float32', 7);
    const angles = randomAngles(40, 9);
    const scores: number[] = [];
    const rows: string[] = [];
    for (const n of [12, 16, 32]) {
      const errors = new FourierPointwise({ fieldType: fourierFields(L, 4), samples: n })
        .checkRotationEquivariance(x, { anglesDegrees: angles })
        .map((e) => e.relativeError);
      const mean = errors.reduce((a, v) => a + v, 0) / errors.length;
      const std = Math.sqrt(errors.reduce((a, v) => a + (v - mean) ** 2, 0) / errors.length);
      scores.push(mean + std);
      rows.push(`N=${n}: relative error mean ${mean.toFixed(4)}, std ${std.toFixed(4)}, max ${Math.max(...errors).toFixed(4)} (bound on mean + std ${BOUNDS[n]})`);
      expect(mean + std).toBeLessThan(BOUNDS[n]!);
    }
    console.log(`Fourier ELU, L=${L}, ${angles.length} random angles:\n${rows.join('\n')}`);
    expect(scores[1]!).toBeLessThan(scores[0]! / 2);
    expect(scores[2]!).toBeLessThan(scores[1]! / 2);
  });

  it('drops samples only in training; refuses non-Fourier types and too few samples', () => {
    const fp = new FourierPointwise({ fieldType: fourierFields(1, 100), samples: 8, dropout: 0.5, activation: 'relu' });
    const x = tf.tile(tf.tensor2d([[1, 0, 0]]), [1, 100]);
    const inference = (fp.apply(x) as tf.Tensor).dataSync();
    expect(inference[0]).toBeCloseTo(1, 5);
    const trained = tf.reshape(fp.apply(x, { training: true }) as tf.Tensor, [100, 3]).arraySync() as number[][];
    // A constant function with some samples dropped: the mean (frequency 0) scatters around 1.
    const f0 = trained.map((r) => r[0]!);
    expect(Math.min(...f0)).toBeLessThan(0.9);
    expect(Math.max(...f0)).toBeGreaterThan(1.1);
    expect(Math.abs(f0.reduce((a, v) => a + v, 0) / 100 - 1)).toBeLessThan(0.15);
    expect(() => new FourierPointwise({ fieldType: regularFields(8, 2), samples: 8 })).toThrow(FieldTypeError);
    expect(() => new FourierPointwise({ fieldType: trivialFields(SO2_GROUP, 2), samples: 8 })).toThrow(/use PointwiseActivation/);
    expect(() => new FourierPointwise({ fieldType: fourierFields(3, 2), samples: 6 })).toThrow(LayerArgumentError);
    expect(() => new FourierPointwise({ fieldType: fourierFields(3, 2), samples: 6 })).toThrow(/>= 2L \+ 1 = 7/);
  });
});
