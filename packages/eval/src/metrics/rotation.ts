import { EvalInputError } from '../errors.ts';

/*
 * Rotation convention (shared with the data stage's angles.f32): a positive
 * angle turns the picture counter-clockwise as displayed, with row 0 at the
 * top, about the centre pixel ((size - 1) / 2, (size - 1) / 2). Images are
 * row-major size x size floats; samples falling outside the image are 0.
 */

export interface BilinearTable {
  /** Output pixel index of each entry. */
  target: Int32Array;
  /** Four source pixel indices per entry (top-left, top-right, bottom-left, bottom-right); -1 = outside. */
  source: Int32Array;
  /** Four bilinear weights per entry. */
  weight: Float32Array;
}

/** Indices of the pixels inside the disk inscribed in the image (radius (size - 1) / 2 + 0.5). */
export function diskPixels(size: number): Int32Array {
  const c = (size - 1) / 2;
  const r2 = (c + 0.5) ** 2;
  const out: number[] = [];
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if ((x - c) ** 2 + (y - c) ** 2 <= r2) out.push(y * size + x);
  return Int32Array.from(out);
}

/** Sampling table that turns an image by `angleDeg`, evaluated at the `targets` pixels (all by default). */
export function rotationTable(size: number, angleDeg: number, targets?: Int32Array): BilinearTable {
  const t = targets ?? Int32Array.from({ length: size * size }, (_, i) => i);
  const c = (size - 1) / 2;
  const th = (angleDeg * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  const source = new Int32Array(t.length * 4);
  const weight = new Float32Array(t.length * 4);
  for (let k = 0; k < t.length; k++) {
    const x = t[k] % size;
    const y = (t[k] - x) / size;
    // Display coordinates (v points up); inverse-rotate the output point to find its source.
    const u = x - c;
    const v = c - y;
    const us = u * cos + v * sin;
    const vs = -u * sin + v * cos;
    const sx = c + us;
    const sy = c - vs;
    const x0 = Math.floor(sx);
    const y0 = Math.floor(sy);
    const fx = sx - x0;
    const fy = sy - y0;
    const base = k * 4;
    setTap(source, weight, base, x0, y0, (1 - fx) * (1 - fy), size);
    setTap(source, weight, base + 1, x0 + 1, y0, fx * (1 - fy), size);
    setTap(source, weight, base + 2, x0, y0 + 1, (1 - fx) * fy, size);
    setTap(source, weight, base + 3, x0 + 1, y0 + 1, fx * fy, size);
  }
  return { target: t, source, weight };
}

function setTap(source: Int32Array, weight: Float32Array, j: number, x: number, y: number, w: number, size: number): void {
  const inside = x >= 0 && x < size && y >= 0 && y < size;
  source[j] = inside ? y * size + x : -1;
  weight[j] = inside ? w : 0;
}

/** Applies a table to one image; writes only the table's target pixels of `out` (rest untouched). */
export function applyRotationTable(table: BilinearTable, image: ArrayLike<number>, out: Float32Array): Float32Array {
  const { target, source, weight } = table;
  for (let k = 0, j = 0; k < target.length; k++, j += 4) {
    // Outside taps carry weight 0 and index -1; reading index 0 instead keeps the loop branch-free.
    const a = source[j];
    const b = source[j + 1];
    const c = source[j + 2];
    const d = source[j + 3];
    out[target[k]] =
      weight[j] * image[a < 0 ? 0 : a] + weight[j + 1] * image[b < 0 ? 0 : b] + weight[j + 2] * image[c < 0 ? 0 : c] + weight[j + 3] * image[d < 0 ? 0 : d];
  }
  return out;
}

/** Turns one size x size image counter-clockwise by `angleDeg` (bilinear). */
export function rotateImage(image: ArrayLike<number>, size: number, angleDeg: number): Float32Array {
  if (image.length !== size * size) throw new EvalInputError(`rotateImage: ${image.length} pixels is not ${size} x ${size}`);
  return applyRotationTable(rotationTable(size, angleDeg), image, new Float32Array(size * size));
}
