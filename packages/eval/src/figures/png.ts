import { PNG } from 'pngjs';
import { EvalInputError } from '../errors.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface EncodedImage {
  png: Buffer;
  width: number;
  height: number;
}

/** Encodes 8-bit grayscale pixels (row-major) as a PNG. */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Buffer {
  if (pixels.length !== width * height) throw new EvalInputError(`encodeGrayPng: ${pixels.length} pixels for ${width}x${height}`);
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}

export interface ImageStripOptions {
  /** Side of one image in pixels. */
  size: number;
  /** Integer upscaling (nearest neighbour), so that digit pixels stay crisp. */
  scale: number;
  /** Gap between images in output pixels. */
  gap: number;
  /** Gray level of the gaps, 0..255. */
  background?: number;
}

/**
 * Lays `count` images ([0, 1] floats, size x size each) side by side in one
 * grayscale PNG. Values outside [0, 1] are clamped.
 */
export function imageStripPng(images: Float32Array, count: number, options: ImageStripOptions): EncodedImage {
  const { size, scale, gap } = options;
  if (images.length !== count * size * size) throw new EvalInputError(`imageStripPng: ${images.length} values for ${count} images of ${size}x${size}`);
  const cell = size * scale;
  const width = Math.max(1, count * cell + Math.max(0, count - 1) * gap);
  const height = cell;
  const pixels = new Uint8Array(width * height).fill(options.background ?? 128);
  for (let n = 0; n < count; n++) {
    const x0 = n * (cell + gap);
    for (let y = 0; y < cell; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < cell; x++) {
        const v = images[n * size * size + sy * size + Math.floor(x / scale)];
        pixels[y * width + x0 + x] = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
      }
    }
  }
  return { png: encodeGrayPng(pixels, width, height), width, height };
}

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

/**
 * Reads the signature and the IHDR chunk; throws if either is missing or the
 * dimensions are zero. Does not decode the pixels (see decodePng).
 */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  if (bytes.length < 33) throw new EvalInputError(`not a PNG: ${bytes.length} bytes is shorter than a signature and IHDR chunk`);
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIGNATURE[i]) throw new EvalInputError('not a PNG: the 8-byte signature does not match');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(8);
  const type = String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]);
  if (type !== 'IHDR' || length !== 13) throw new EvalInputError(`not a PNG: first chunk is "${type}" of ${length} bytes, expected IHDR of 13`);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) throw new EvalInputError(`PNG has zero size ${width}x${height}`);
  return { width, height, bitDepth: bytes[24], colorType: bytes[25] };
}

/** Fully decodes a PNG (checks every chunk's CRC and the compressed data). */
export function decodePng(bytes: Uint8Array): { width: number; height: number } {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height };
}
