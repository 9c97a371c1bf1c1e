// Deterministic smooth test inputs for equivariance measurements at angles
// that are not multiples of 90 degrees: Gaussian-blurred noise under a cos^2
// window that vanishes outside a central disk. Bilinear rotation of such
// inputs is accurate to a few percent, and nothing rotates out of the frame.
import * as tf from '@tensorflow/tfjs-core';

export interface SmoothDiskOptions {
  /** Standard deviation (pixels) of the Gaussian blur (default 2). */
  sigma?: number;
  /** The window reaches 0 at this fraction of the inscribed radius (default 0.75). */
  radiusFraction?: number;
  seed?: number;
}

export function smoothDiskImages(batch: number, size: number, channels: number, options: SmoothDiskOptions = {}): tf.Tensor4D {
  const sigma = options.sigma ?? 2;
  const fraction = options.radiusFraction ?? 0.75;
  return tf.tidy(() => {
    const noise = tf.randomNormal([batch, size, size, channels], 0, 1, 'float32', options.seed ?? 1) as tf.Tensor4D;
    const r = Math.ceil(3 * sigma);
    const taps: number[] = [];
    for (let i = -r; i <= r; i++) for (let j = -r; j <= r; j++) taps.push(Math.exp(-(i * i + j * j) / (2 * sigma * sigma)));
    const total = taps.reduce((a, v) => a + v, 0);
    // Rescaled so that the blurred field has roughly unit variance again.
    const gain = 1 / Math.sqrt(taps.reduce((a, v) => a + (v / total) ** 2, 0));
    const kernel = tf.tile(tf.tensor4d(taps.map((v) => (v / total) * gain), [2 * r + 1, 2 * r + 1, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D;
    const blurred = tf.depthwiseConv2d(noise, kernel, 1, 'same');
    const c = (size - 1) / 2;
    const win = new Float32Array(size * size);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const rho = Math.hypot(i - c, j - c) / (fraction * c);
        win[i * size + j] = rho < 1 ? Math.cos((Math.PI * rho) / 2) ** 2 : 0;
      }
    }
    return tf.mul(blurred, tf.tensor4d(win, [1, size, size, 1])) as tf.Tensor4D;
  });
}
