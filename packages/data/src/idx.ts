// Reader for the IDX format of the MNIST distribution (LeCun et al.): a
// big-endian header (magic 0x0000TTDD: TT = element type, DD = number of
// dimensions; then one uint32 per dimension) followed by the raw elements.
// Only unsigned-byte files are read: 3-D image stacks and 1-D label vectors.
// Every check names the file and what is wrong, because a silently short
// buffer would otherwise show up much later as garbage digits.

import { readFileSync } from 'node:fs';
import { IdxFormatError } from './errors.ts';

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;
export const NUM_CLASSES = 10;

export interface IdxImages {
  /** count * rows * cols bytes, row-major, row 0 at the top; 0 = background. */
  readonly pixels: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
}

/** Images with their labels (0..9), as one IDX pair. */
export interface LabelledImages extends IdxImages {
  readonly labels: Uint8Array;
}

function readHeader(buf: Uint8Array, file: string, magic: number, dims: number): number[] {
  // The magic number is checked first: a swapped or foreign file is a better
  // diagnosis than "header too short".
  if (buf.length < 4) throw new IdxFormatError(file, `is ${buf.length} bytes long, too short for an IDX magic number (truncated)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) {
    const kind = magic === IDX_IMAGES_MAGIC ? 'an image file' : 'a label file';
    throw new IdxFormatError(
      file,
      `has magic number 0x${found.toString(16).padStart(8, '0')}, expected 0x${magic.toString(16).padStart(8, '0')} for ${kind}` +
        (found === IDX_IMAGES_MAGIC || found === IDX_LABELS_MAGIC ? ' (images and labels swapped?)' : ''),
    );
  }
  const headerBytes = 4 + 4 * dims;
  if (buf.length < headerBytes) {
    throw new IdxFormatError(file, `is ${buf.length} bytes long, shorter than the ${headerBytes}-byte IDX header (truncated)`);
  }
  const sizes: number[] = [];
  for (let d = 0; d < dims; d++) sizes.push(view.getUint32(4 + 4 * d, false));
  return sizes;
}

function checkLength(buf: Uint8Array, file: string, headerBytes: number, expected: number, what: string): void {
  const actual = buf.length - headerBytes;
  if (actual < expected) {
    throw new IdxFormatError(file, `holds ${actual} data bytes but its header promises ${expected} (${what}): the file is truncated`);
  }
  if (actual > expected) {
    throw new IdxFormatError(file, `holds ${actual} data bytes but its header promises ${expected} (${what}): trailing bytes, the header or the file is corrupt`);
  }
}

/** Parses an unsigned-byte 3-D IDX image file already in memory. `file` is used in error messages. */
export function parseIdxImages(buf: Uint8Array, file: string): IdxImages {
  const [count, rows, cols] = readHeader(buf, file, IDX_IMAGES_MAGIC, 3) as [number, number, number];
  if (rows === 0 || cols === 0) throw new IdxFormatError(file, `declares images of ${rows}x${cols} pixels`);
  checkLength(buf, file, 16, count * rows * cols, `${count} images of ${rows}x${cols}`);
  return { pixels: buf.subarray(16), count, rows, cols };
}

/** Parses an unsigned-byte 1-D IDX label file; every label must be in 0..9. */
export function parseIdxLabels(buf: Uint8Array, file: string): Uint8Array {
  const [count] = readHeader(buf, file, IDX_LABELS_MAGIC, 1) as [number];
  checkLength(buf, file, 8, count, `${count} labels`);
  const labels = buf.subarray(8);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= NUM_CLASSES) {
      throw new IdxFormatError(file, `label #${i} is ${labels[i]}, outside 0..${NUM_CLASSES - 1}`);
    }
  }
  return labels;
}

function readWhole(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new IdxFormatError(path, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(cause)})`, { cause });
  }
}

export function readIdxImages(path: string): IdxImages {
  return parseIdxImages(readWhole(path), path);
}

export function readIdxLabels(path: string): Uint8Array {
  return parseIdxLabels(readWhole(path), path);
}

/** Reads an image file and its label file and checks that they describe the same number of items. */
export function readIdxPair(imagesPath: string, labelsPath: string): LabelledImages {
  const images = readIdxImages(imagesPath);
  const labels = readIdxLabels(labelsPath);
  if (labels.length !== images.count) {
    throw new IdxFormatError(
      labelsPath,
      `has ${labels.length} labels but ${imagesPath} has ${images.count} images; the two files are not a pair`,
    );
  }
  return { ...images, labels };
}
