// Map sizes through the encoder and the decoder, and the geometry checks of a
// config: no map shrinks away, and for the equivariant encoders the rotation
// centre stays on a sample at every layer.
import { assertCentredGrid, convOutputSize, isCentredGrid, suggestCentredSizes } from '../../equivariant/spatial.ts';
import { fail, type EncoderBase } from './common.ts';

/** Output side of tfjs-layers' conv2dTranspose with 'valid' padding (before cropping). */
export function transposedValidSize(inputSize: number, kernelSize: number, stride: number): number {
  return inputSize * stride + Math.max(kernelSize - stride, 0);
}

/** Map sides [imageSize, after layer 1, ..., after layer L] of an encoder. */
export function encoderMapSizes(imageSize: number, encoder: Pick<EncoderBase, 'kernelSize' | 'strides' | 'padding'>): number[] {
  const sizes = [imageSize];
  for (const stride of encoder.strides) {
    sizes.push(convOutputSize({ inputSize: sizes[sizes.length - 1]!, kernelSize: encoder.kernelSize, stride, padding: encoder.padding }));
  }
  return sizes;
}

/**
 * Checks that every map of the encoder keeps at least one pixel and, with `centred`, that the
 * rotation centre is a sample at every layer; returns the map sizes.
 */
export function checkEncoderGeometry(imageSize: number, encoder: Pick<EncoderBase, 'kernelSize' | 'strides' | 'padding'>, centred: boolean): number[] {
  const sizes = encoderMapSizes(imageSize, encoder);
  sizes.forEach((s, i) => {
    if (s < 1) fail(`encoder.strides[${i - 1}]`, `the map shrinks to ${s}x${s}; use a larger image, smaller strides or more padding`);
  });
  if (centred) {
    const layers = encoder.strides.map((stride) => ({ kernelSize: encoder.kernelSize, stride, padding: encoder.padding }));
    for (let i = 0; i < layers.length; i++) {
      const g = { ...layers[i]!, inputSize: sizes[i]! };
      if (!isCentredGrid(g)) {
        const path = i === 0 ? 'imageSize' : `encoder.strides[${i}]`;
        let message = '';
        try {
          assertCentredGrid(g, `layer ${i + 1}`);
        } catch (err) {
          message = (err as Error).message;
        }
        const nearby = suggestCentredSizes(imageSize, layers);
        fail(
          path,
          `the rotation centre must stay on a sample at every layer (exact 90-degree equivariance): ${message}` +
            (nearby.length > 0 ? `. Image sizes that work with these kernels and strides: ${nearby.join(', ')}` : ''),
        );
      }
    }
  }
  return sizes;
}
