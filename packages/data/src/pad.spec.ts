import { describe, expect, it } from 'vitest';
import { DataError } from './errors.ts';
import { loadMnist } from './mnist.ts';
import { padImages, paddingFor } from './pad.ts';

describe('padding', () => {
  it('puts 28x28 at rows/cols 2..29 of 33x33 and keeps the pixels', () => {
    const p = paddingFor(28, 28, 33);
    expect([p.top, p.left, p.bottom, p.right]).toEqual([2, 2, 3, 3]);
    expect([paddingFor(28, 28, 29).top, paddingFor(28, 28, 34).top, paddingFor(28, 28, 34).bottom]).toEqual([0, 3, 3]);
    const src = Uint8Array.from({ length: 2 * 28 * 28 }, (_, i) => (i * 7) % 251);
    const out = padImages(src, 28, 28, [1, 0], p);
    expect(out.length).toBe(2 * 33 * 33);
    // Image 0 of the output is source image 1; its pixel (r, c) is at (r + 2, c + 2).
    expect(out[(5 + 2) * 33 + (9 + 2)]).toBe(src[784 + 5 * 28 + 9]);
    expect(out[33 * 33 + (27 + 2) * 33 + 27 + 2]).toBe(src[27 * 28 + 27]);
    let border = 0;
    for (let r = 0; r < 33; r++) for (let c = 0; c < 33; c++) if (r < 2 || r > 29 || c < 2 || c > 29) border += out[r * 33 + c]!;
    expect(border).toBe(0);
    expect(() => paddingFor(28, 28, 27)).toThrow(DataError);
    expect(() => padImages(src, 28, 28, [2], p)).toThrow(/index 2 is outside the 2 source images/);
  });

  it('centres the mean MNIST centre of mass on the rotation centre (16, 16) of 33x33', () => {
    const test = loadMnist('test');
    const n = 2000;
    const out = padImages(test.pixels, 28, 28, Array.from({ length: n }, (_, i) => i), paddingFor(28, 28, 33));
    let sx = 0;
    let sy = 0;
    for (let k = 0; k < n; k++) {
      let m = 0;
      let x = 0;
      let y = 0;
      for (let i = 0; i < 33 * 33; i++) {
        const v = out[k * 1089 + i]!;
        m += v;
        x += v * (i % 33);
        y += v * Math.floor(i / 33);
      }
      sx += x / m;
      sy += y / m;
    }
    expect(Math.abs(sx / n - 16)).toBeLessThan(0.1);
    expect(Math.abs(sy / n - 16)).toBeLessThan(0.1);
  });
});
