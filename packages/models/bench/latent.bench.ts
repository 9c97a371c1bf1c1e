// Cost of the hyperspherical latent (vMF sample + KL to the uniform prior,
// forward and backward) against one Adam step of a small conv autoencoder,
// both at batch 100 on native TensorFlow.
//
//   npx tsx packages/models/bench/latent.bench.ts [--repeats 30] [--ae-steps 5]
//
// The latent must stay under 5% of the training step. Timings are wall-clock on a
// possibly shared machine: the cases run interleaved and both median and min are printed.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../src/backend/index.ts';
import { HypersphericalUniform, Normal, StandardNormal, VonMisesFisher, klDivergence } from '../src/distributions/index.ts';

// Chooses the backend before any tensor exists; the imports above create none.
await useBackend('tensorflow', { purpose: 'bench' });

const { values } = parseArgs({
  options: { repeats: { type: 'string', default: '30' }, 'ae-steps': { type: 'string', default: '5' } },
});
const REPEATS = Number(values.repeats);
const AE_STEPS = Number(values['ae-steps']);
const BATCH = 100;

interface Timing {
  median: number;
  min: number;
}

function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}

function timeOnce(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/**
 * Runs the cases round-robin (`warmup` untimed rounds, then `repeats` timed ones) so that all of
 * them see the same machine load; each case must force its results (dataSync).
 */
function timeInterleaved(cases: [string, () => void][], repeats: number, warmup = 3): [string, Timing][] {
  const samples = cases.map(() => [] as number[]);
  for (let round = 0; round < warmup + repeats; round++) {
    cases.forEach(([, fn], i) => {
      const ms = timeOnce(fn);
      if (round >= warmup) samples[i].push(ms);
    });
  }
  return cases.map(([name], i) => [name, summarise(samples[i])]);
}

// Encoder outputs as the latent sees them: raw mu (normalised inside the loss, as the encoder head
// does) and kappa = softplus(.) + 1, log-spread over [1, ~1000] so both Bessel regimes are exercised.
interface LatentInputs {
  muRaw: tf.Variable;
  kappaRaw: tf.Variable;
  target: tf.Tensor2D;
}

function latentInputs(m: number): LatentInputs {
  const muRaw = tf.variable(tf.randomNormal([BATCH, m], 0, 1, 'float32', 1));
  const kappaRaw = tf.variable(
    tf.tidy(() => {
      const kappa = tf.exp(tf.randomUniform([BATCH, 1], 0, Math.log(1000), 'float32', 2));
      // inverse of kappa = softplus(x) + 1: x = y + log(-expm1(-y)), y = kappa - 1 (finite for any y > 0)
      const y = tf.maximum(tf.sub(kappa, 1), 1e-3);
      return tf.add(y, tf.log(tf.neg(tf.expm1(tf.neg(y)))));
    }),
  );
  const target = tf.randomNormal([BATCH, m], 0, 1, 'float32', 3) as tf.Tensor2D;
  return { muRaw, kappaRaw, target };
}

type Part = 'sample' | 'kl' | 'both';

function vmfLatentStep(m: number, part: Part, seed: number, inputs: LatentInputs): void {
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const mu = tf.div(inputs.muRaw, tf.norm(inputs.muRaw, 'euclidean', 1, true)) as tf.Tensor2D;
      const kappa = tf.add(tf.softplus(inputs.kappaRaw), 1) as tf.Tensor2D;
      const q = new VonMisesFisher(mu, kappa);
      const terms: tf.Tensor[] = [];
      if (part !== 'kl') terms.push(tf.sum(tf.mul(q.sample(seed), inputs.target)));
      if (part !== 'sample') terms.push(tf.sum(klDivergence(q, new HypersphericalUniform(m))));
      return tf.addN(terms) as tf.Scalar;
    }, [inputs.muRaw, inputs.kappaRaw]);
    for (const g of Object.values(grads)) g.dataSync();
  });
}

function normalLatentStep(dim: number, seed: number, loc: tf.Variable, logScale: tf.Variable, target: tf.Tensor2D): void {
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const q = new Normal(loc as tf.Tensor as tf.Tensor2D, tf.exp(logScale) as tf.Tensor2D);
      return tf.add(tf.sum(tf.mul(q.sample(seed), target)), tf.sum(klDivergence(q, new StandardNormal(dim)))) as tf.Scalar;
    }, [loc, logScale]);
    for (const g of Object.values(grads)) g.dataSync();
  });
}

function autoencoder(): tfl.Sequential {
  // 32x32 input, 3 conv (64, 64, 128; strides 2, 1, 2; kernel 4) + dense bottleneck + 3 conv-transpose,
  // the paper's layer sizes without the equivariant parts.
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [32, 32, 1], filters: 64, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 4, strides: 1, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10 }),
      tfl.layers.dense({ units: 8 * 8 * 128, activation: 'relu' }),
      tfl.layers.reshape({ targetShape: [8, 8, 128] }),
      tfl.layers.conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2dTranspose({ filters: 32, kernelSize: 4, strides: 1, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same' }),
    ],
  });
}

const cases: [string, () => void][] = [];
const toDispose: tf.Tensor[] = [];
for (const m of [6, 64]) {
  const inputs = latentInputs(m);
  toDispose.push(inputs.muRaw, inputs.kappaRaw, inputs.target);
  let seed = 0;
  for (const part of ['sample', 'kl', 'both'] as const) {
    const label = { sample: 'vMF sample (Wood/inverse CDF + Householder)', kl: 'KL(vMF || uniform)', both: 'vMF sample + KL' }[part];
    cases.push([`m=${m}: ${label}, fwd+bwd`, () => vmfLatentStep(m, part, ++seed, inputs)]);
  }
}
{
  const loc = tf.variable(tf.randomNormal([BATCH, 10], 0, 1, 'float32', 4));
  const logScale = tf.variable(tf.randomNormal([BATCH, 10], -1, 0.3, 'float32', 5));
  const target = tf.randomNormal([BATCH, 10], 0, 1, 'float32', 6) as tf.Tensor2D;
  toDispose.push(loc, logScale, target);
  let seed = 0;
  cases.push(['d=10: Normal sample + KL(N || N(0, I)), fwd+bwd', () => normalLatentStep(10, ++seed, loc, logScale, target)]);
}
const rows = timeInterleaved(cases, REPEATS);
tf.dispose(toDispose);

const model = autoencoder();
const optimizer = tf.train.adam(1e-3);
const images = tf.randomUniform([BATCH, 32, 32, 1], 0, 1, 'float32', 7);
const aeSamples: number[] = [];
for (let step = 0; step < AE_STEPS + 2; step++) {
  const ms = timeOnce(() =>
    tf.tidy(() => {
      const loss = optimizer.minimize(
        () => tf.mean(tf.square(tf.sub(model.apply(images) as tf.Tensor, images))) as tf.Scalar,
        true,
      );
      loss?.dataSync();
    }),
  );
  if (step >= 2) aeSamples.push(ms);
}
const aeStep = summarise(aeSamples);

const width = Math.max(...rows.map(([name]) => name.length), 40);
const cell = (ms: number, of: number) => `${ms.toFixed(2).padStart(8)}  ${`${((100 * ms) / of).toFixed(2)}%`.padStart(7)}`;
console.log(`\nbatch ${BATCH}, backend ${tf.getBackend()}, ${REPEATS} interleaved rounds (AE: ${AE_STEPS} steps after 2 warm-up)`);
console.log('% = share of the AE step (median against median, min against min)\n');
console.log(`${'component'.padEnd(width)}  ${'median ms'.padStart(8)}  ${'%'.padStart(7)}  ${'min ms'.padStart(8)}  ${'%'.padStart(7)}`);
console.log(`${'-'.repeat(width)}  ${'-'.repeat(9)}  ${'-'.repeat(7)}  ${'-'.repeat(8)}  ${'-'.repeat(7)}`);
for (const [name, t] of rows) {
  console.log(`${name.padEnd(width)}  ${cell(t.median, aeStep.median)}  ${cell(t.min, aeStep.min)}`);
}
console.log(`${`conv AE Adam step (${model.countParams()} params, 32x32)`.padEnd(width)}  ${cell(aeStep.median, aeStep.median)}  ${cell(aeStep.min, aeStep.min)}`);
const worst = Math.max(...rows.filter(([name]) => name.includes('sample + KL')).map(([, t]) => t.median / aeStep.median));
console.log(`\nvMF latent (sample + KL, fwd+bwd) costs at most ${(100 * worst).toFixed(2)}% of a training step (median; budget 5%).`);
