// Rotation throughput on one core (JavaScript runs the rotation on the main
// thread only). Not a test: run with
//   npx tsx packages/data/bench/rotate.bench.ts [--repeats 3]
// and read the table. Each row pads the MNIST digits to 33x33, draws one
// uniform angle in [-180, 180) per digit and rotates it (what building a
// rotated set does, minus the disk write); the best of the repeats is kept
// because other processes on a shared machine only ever slow a run down.

import { parseArgs } from 'node:util';
import { createRotationPlan, ImageRotator } from '@sgvae/contracts';
import { drawAngles } from '../src/angles.ts';
import { RandomRotation } from '../src/augmentation.ts';
import { loadMnist } from '../src/mnist.ts';
import { padImages, paddingFor } from '../src/pad.ts';
import { createRng } from '../src/prng.ts';
import { stratifiedSplit } from '../src/stratify.ts';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '3' } } });
const repeats = Math.max(1, Number(values.repeats));
const SIZE = 33;
const AREA = SIZE * SIZE;

function buildRotated(images: Uint8Array, count: number, supersample: number, seed: number): void {
  const angles = drawAngles({ kind: 'uniform', min: -180, max: 180 }, count, createRng(seed));
  const out = new Uint8Array(count * AREA);
  const rotator = new ImageRotator(SIZE);
  for (let i = 0; i < count; i++) rotator.apply(createRotationPlan(SIZE, angles[i]!, supersample), images, i * AREA, out, i * AREA);
}

function best(run: () => void): number {
  let fastest = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, (performance.now() - start) / 1000);
  }
  return fastest;
}

const padding = paddingFor(28, 28, SIZE);
const test = loadMnist('test');
const train = loadMnist('train');
const testImages = padImages(test.pixels, 28, 28, Array.from({ length: test.count }, (_, i) => i), padding);
const all = Uint32Array.from({ length: train.count }, (_, i) => i);
const subset = stratifiedSplit(train.labels, all, 35_000, createRng(1)).picked;
const subsetImages = padImages(train.pixels, 28, 28, subset, padding);

// Warm-up so the first row does not pay for JIT compilation.
buildRotated(testImages.subarray(0, 500 * AREA), 500, 1, 0);
buildRotated(testImages.subarray(0, 500 * AREA), 500, 3, 0);

const rows: [string, number, number, number][] = [];
for (const [name, images, count] of [
  ['test-rotated (MNIST test)', testImages, test.count],
  ['35k subset (MNIST train)', subsetImages, subset.length],
] as const) {
  for (const s of [1, 3]) {
    const seconds = best(() => buildRotated(images, count, s, 7));
    rows.push([name, s, count, seconds]);
  }
}

// Per-batch augmentation as training uses it: copy a batch of 100 upright
// digits, rotate it in place. Batches cycle through the test digits.
const BATCHES = 50;
const work = new Uint8Array(100 * AREA);
const batchRows: [number, number][] = [];
for (const s of [1, 3]) {
  const aug = new RandomRotation({ supersample: s });
  const rng = createRng(3);
  const seconds = best(() => {
    for (let b = 0; b < BATCHES; b++) {
      work.set(testImages.subarray(b * 100 * AREA, (b + 1) * 100 * AREA));
      aug.apply(work, 100, SIZE, rng);
    }
  });
  batchRows.push([s, (seconds / BATCHES) * 1000]);
}

console.log(`rotation of ${SIZE}x${SIZE} MNIST digits, one core, best of ${repeats} (node ${process.version})\n`);
console.log('| set                        | supersample | images | seconds | images/s |');
console.log('|----------------------------|-------------|--------|---------|----------|');
for (const [name, s, count, seconds] of rows) {
  console.log(`| ${name.padEnd(26)} | ${String(s).padStart(11)} | ${String(count).padStart(6)} | ${seconds.toFixed(3).padStart(7)} | ${Math.round(count / seconds).toString().padStart(8)} |`);
}
console.log('\n| augmentation (batch of 100) | supersample | ms per batch |');
console.log('|-----------------------------|-------------|--------------|');
for (const [s, ms] of batchRows) console.log(`| RandomRotation full circle  | ${String(s).padStart(11)} | ${ms.toFixed(2).padStart(12)} |`);
