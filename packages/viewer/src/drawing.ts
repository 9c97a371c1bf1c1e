// A digit drawn on the page made to look like an MNIST digit before it is
// padded and turned like the test digits: MNIST fitted each digit's bounding
// box into 20x20 pixels (keeping its aspect ratio) and then moved its centre
// of mass to pixel (14, 14) of a 28x28 field. Browser-safe; pure arithmetic on
// the drawing's ink values, so the same input gives the same digit everywhere.

export const MNIST_SIDE = 28;
export const MNIST_BOX = 20;
/** Pixel (row and column) of the 28x28 field that MNIST puts the centre of mass on. */
export const MNIST_CENTRE = 14;

/**
 * `ink` is a width x height grid of ink amounts in [0, 255] (row-major, row 0
 * at the top). Returns the 28x28 uint8 digit; all zero when nothing is drawn.
 */
export function normalizeDrawing(ink: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (ink.length !== width * height) throw new RangeError(`normalizeDrawing: ${ink.length} values is not ${width} x ${height}`);
  const out = new Uint8Array(MNIST_SIDE * MNIST_SIDE);
  let x0 = width;
  let x1 = -1;
  let y0 = height;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = MNIST_BOX / Math.max(bw, bh);
  const tw = Math.max(1, Math.min(MNIST_BOX, Math.round(bw * scale)));
  const th = Math.max(1, Math.min(MNIST_BOX, Math.round(bh * scale)));
  // Box-filtered resampling: each target pixel averages the ink over its
  // footprint in the source, sampled on an s x s grid of bilinear taps.
  const patch = new Float64Array(tw * th);
  const s = 6;
  const sample = (x: number, y: number): number => {
    const xf = Math.min(Math.max(x - 0.5, 0), width - 1);
    const yf = Math.min(Math.max(y - 0.5, 0), height - 1);
    const xi = Math.min(Math.floor(xf), Math.max(0, width - 2));
    const yi = Math.min(Math.floor(yf), Math.max(0, height - 2));
    const fx = width > 1 ? xf - xi : 0;
    const fy = height > 1 ? yf - yi : 0;
    const at = (xx: number, yy: number) => ink[Math.min(yy, height - 1) * width + Math.min(xx, width - 1)]!;
    const top = at(xi, yi) + fx * (at(xi + 1, yi) - at(xi, yi));
    const bottom = at(xi, yi + 1) + fx * (at(xi + 1, yi + 1) - at(xi, yi + 1));
    return top + fy * (bottom - top);
  };
  const sx = bw / tw;
  const sy = bh / th;
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      let acc = 0;
      for (let j = 0; j < s; j++) {
        for (let i = 0; i < s; i++) acc += sample(x0 + (tx + (i + 0.5) / s) * sx, y0 + (ty + (j + 0.5) / s) * sy);
      }
      patch[ty * tw + tx] = acc / (s * s);
    }
  }
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = patch[y * tw + x]!;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  if (mass <= 0) return out;
  // Integer shift that puts the centre of mass nearest to (14, 14), kept inside the field.
  const ox = Math.min(Math.max(Math.round(MNIST_CENTRE - mx / mass), 0), MNIST_SIDE - tw);
  const oy = Math.min(Math.max(Math.round(MNIST_CENTRE - my / mass), 0), MNIST_SIDE - th);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) out[(oy + y) * MNIST_SIDE + ox + x] = Math.min(255, Math.max(0, Math.round(patch[y * tw + x]!)));
  }
  return out;
}
