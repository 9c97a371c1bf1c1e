// Zero-padding of the 28x28 digits to an S x S grid. The network wants an
// odd side of the form 4k + 1 (29, 33, ...) so that, with odd kernels and
// stride 2, every layer's sampling grid keeps the image centre on a sample
// and 90-degree turns stay exactly equivariant (33 -> 17 -> 17 -> 9 with
// kernel 5, padding 2, strides 2, 1, 2). Other sides >= the source side are
// accepted (34 suits kernel 4); rotations are always about ((S-1)/2, (S-1)/2).

import type { Padding } from '@sgvae/contracts';
import { DataError } from './errors.ts';

export type { Padding };

/**
 * Where a rows x cols image goes inside an S x S grid. When the extra space
 * is odd the smaller margin is on the top/left: MNIST digits have their
 * centre of mass at pixel (14, 14) of the 28x28 frame (measured mean over
 * the training set: row 13.996, column 14.007), so 2 pixels on the top/left
 * and 3 on the bottom/right put it on (16, 16), the rotation centre of 33x33.
 */
export function paddingFor(rows: number, cols: number, size: number): Padding {
  if (!Number.isInteger(size) || size < Math.max(rows, cols)) {
    throw new DataError(`cannot pad ${rows}x${cols} images to ${size}x${size}: the side must be an integer >= ${Math.max(rows, cols)}`);
  }
  const top = Math.floor((size - rows) / 2);
  const left = Math.floor((size - cols) / 2);
  return { sourceRows: rows, sourceCols: cols, size, top, left, bottom: size - rows - top, right: size - cols - left };
}

/**
 * Copies the images at `indices` (into a stack of rows x cols images) into a
 * new stack of S x S images with zero margins, in the order of `indices`.
 */
export function padImages(
  pixels: Uint8Array,
  rows: number,
  cols: number,
  indices: ArrayLike<number>,
  padding: Padding,
): Uint8Array {
  const { size, top, left } = padding;
  if (padding.sourceRows !== rows || padding.sourceCols !== cols) {
    throw new DataError(`padding was planned for ${padding.sourceRows}x${padding.sourceCols} images, got ${rows}x${cols}`);
  }
  const count = pixels.length / (rows * cols);
  const out = new Uint8Array(indices.length * size * size);
  for (let n = 0; n < indices.length; n++) {
    const index = indices[n]!;
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new DataError(`image index ${index} is outside the ${count} source images`);
    }
    const src = index * rows * cols;
    const dst = n * size * size + top * size + left;
    for (let r = 0; r < rows; r++) {
      out.set(pixels.subarray(src + r * cols, src + (r + 1) * cols), dst + r * size);
    }
  }
  return out;
}
