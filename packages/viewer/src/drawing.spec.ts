import { describe, expect, it } from 'vitest';
import { MNIST_BOX, MNIST_SIDE, normalizeDrawing } from './drawing.ts';

function box(out: Uint8Array): { x0: number; x1: number; y0: number; y1: number; cx: number; cy: number } {
  let [x0, x1, y0, y1, m, mx, my] = [MNIST_SIDE, -1, MNIST_SIDE, -1, 0, 0, 0];
  for (let y = 0; y < MNIST_SIDE; y++) {
    for (let x = 0; x < MNIST_SIDE; x++) {
      const v = out[y * MNIST_SIDE + x]!;
      if (v === 0) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
      m += v;
      mx += v * x;
      my += v * y;
    }
  }
  return { x0, x1, y0, y1, cx: mx / m, cy: my / m };
}

describe('normalizeDrawing', () => {
  it('is all zero for an empty drawing', () => {
    expect(normalizeDrawing(new Uint8Array(100 * 100), 100, 100).every((v) => v === 0)).toBe(true);
  });

  it('fits a tall stroke into 20 pixels of height and centres its mass on (14, 14), like MNIST', () => {
    const w = 280;
    const ink = new Uint8Array(w * w);
    // A vertical bar, 30 x 150 pixels, in the top-left corner of the canvas.
    for (let y = 10; y < 160; y++) for (let x = 20; x < 50; x++) ink[y * w + x] = 255;
    const out = normalizeDrawing(ink, w, w);
    const b = box(out);
    expect(b.y1 - b.y0 + 1).toBe(MNIST_BOX);
    expect(b.x1 - b.x0 + 1).toBe(4);
    expect(Math.abs(b.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(b.cy - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...out)).toBe(255);
  });

  it('checks its input size', () => {
    expect(() => normalizeDrawing(new Uint8Array(10), 3, 3)).toThrow(RangeError);
  });
});
