// A datasets folder in the data stage's format, built from a few hundred
// synthetic 28x28 "digits" (bars, disks, diagonals of ten styles) instead of
// MNIST, so stage tests run in seconds.
import { buildDatasets, createRng, parseDataParams } from '@sgvae/data';

function synthetic(count: number, seed: number) {
  const rows = 28;
  const cols = 28;
  const rng = createRng(seed);
  const pixels = new Uint8Array(count * rows * cols);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % 10;
    labels[n] = label;
    const angle = (label * Math.PI) / 10;
    const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
    const jitter = rng.nextInt(3) - 1;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const x = c - 13.5 - jitter;
        const y = r - 13.5;
        const along = x * dx + y * dy;
        const across = -x * dy + y * dx;
        const stroke = Math.abs(across) < 1.6 && Math.abs(along) < 9;
        const blob = label % 3 === 0 && Math.hypot(along - 5, across) < 3.5;
        pixels[n * rows * cols + r * cols + c] = stroke || blob ? 200 + rng.nextInt(56) : 0;
      }
    }
  }
  return { pixels, labels, count, rows, cols };
}

/** Builds `train`, `val` and `test` sets of 33x33 images into `dir`. */
export async function buildTinyDatasets(dir: string, trainCount = 240, testCount = 60): Promise<void> {
  const params = parseDataParams({ seed: 7, size: 33, subset: null, validationFraction: 0.25, supersample: 1, sets: {} });
  await buildDatasets(params, dir, {
    codeVersion: 'test',
    sources: { train: synthetic(trainCount, 1), test: synthetic(testCount, 2) },
  });
}
