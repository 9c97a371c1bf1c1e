import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { HypersphericalUniform } from './hyperspherical-uniform.ts';
import { meanWithStandardError } from './sample-statistics.ts';

describe('HypersphericalUniform', () => {
  it('samples unit vectors with zero mean and per-coordinate variance 1/m', () => {
    for (const m of [2, 3, 10]) {
      const n = 20000;
      const z = new HypersphericalUniform(m, n).sample(5).arraySync();
      expect(z.reduce((worst, row) => Math.max(worst, Math.abs(Math.hypot(...row) - 1)), 0)).toBeLessThan(1e-6);
      for (let j = 0; j < m; j++) {
        const column = z.map((row) => row[j]);
        const { mean, standardError } = meanWithStandardError(column);
        expect(Math.abs(mean), `m=${m} coordinate ${j}`).toBeLessThan(4 * standardError);
        // Var(z_j^2) = E[z_j^4] - 1/m^2 = 3/(m(m+2)) - 1/m^2.
        const second = meanWithStandardError(column.map((v) => v * v));
        expect(Math.abs(second.mean - 1 / m)).toBeLessThan(4 * second.standardError);
      }
    }
  });

  it('has density 1/|S^{m-1}| and entropy log |S^{m-1}|', () => {
    const uniform = new HypersphericalUniform(3, 2);
    expect(uniform.logProb(tf.tensor2d([[1, 0, 0], [0, 0.6, 0.8]])).dataSync()[1]).toBeCloseTo(-Math.log(4 * Math.PI), 6);
    expect(Array.from(uniform.entropy().dataSync())).toEqual([Math.fround(Math.log(4 * Math.PI)), Math.fround(Math.log(4 * Math.PI))]);
    expect(Array.from(uniform.mean().dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => uniform.logProb(tf.tensor2d([[1, 0]]))).toThrow(/R\^3/);
  });

  it('is pure in its seed', () => {
    const u = new HypersphericalUniform(4, 3);
    expect(Array.from(u.sample(8).dataSync())).toEqual(Array.from(u.sample(8).dataSync()));
    expect(Array.from(u.sample(8).dataSync())).not.toEqual(Array.from(u.sample(9).dataSync()));
  });
});
