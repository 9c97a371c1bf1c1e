// Training-step cost of the networks on this machine.
//   npx tsx packages/models/bench/models.bench.ts [--steps 3] [--presets default,paper]
//     [--models svae,sgvae,sgvae-so2,judge,scaling] [--json out.json]
//
// For each model (S-VAE, S-GVAE with the C_N encoder, S-GVAE with the SO(2)
// encoder, judge) and preset: forward + backward + Adam
// update at batch 100, after one warm-up step. The VAEs use a stand-in loss
// (binary cross-entropy of decoder(mu) against the input; the real loss with
// the vMF sample and KL belongs to the training stage), the judge a softmax
// cross-entropy. FLOPs per image are the forward FLOPs of summarizeModel
// (2 x multiply-adds of conv/dense layers); a step is counted as 3 x forward x
// batch (forward, input gradients, weight gradients), which slightly
// overstates it (the first layer needs no input gradient). The machine's
// matmul peak is measured in the same run with a 2048 x 2048 float32 matmul.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { useBackend } from '../src/backend/index.ts';
import {
  buildDecoder,
  buildEncoder,
  buildJudge,
  judgePreset,
  resolveVaeNetConfig,
  summarizeModel,
  vaePreset,
  type PresetName,
  type VaeNetConfig,
} from '../src/nets/index.ts';

const BATCH = 100;
const MODEL_CHOICES = ['svae', 'sgvae', 'sgvae-so2', 'judge', 'scaling'] as const;

interface Row {
  model: string;
  preset: string;
  params: number;
  msPerStep: number;
  msMin: number;
  imagesPerSecond: number;
  mflopPerImage: number;
  gflopPerSecond: number;
  fractionOfPeak: number;
}

function variables(models: LayersModel[]): tf.Variable[] {
  return models.flatMap((m) => m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
}

function timeSteps(step: () => void, steps: number): number[] {
  step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return times;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function measurePeak(): number {
  const n = 2048;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const run = (): number => {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    return performance.now() - t0;
  };
  run();
  run();
  const best = Math.min(...Array.from({ length: 8 }, run));
  tf.dispose([a, b]);
  return (2 * n ** 3) / (best / 1000) / 1e9;
}

function vaeStep(cfg: VaeNetConfig): { step: () => void; models: LayersModel[]; flops: number; params: number } {
  const encoder = buildEncoder(cfg);
  const decoder = buildDecoder(cfg);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([BATCH, cfg.imageSize, cfg.imageSize, cfg.channels], 0, 1, 'float32', 1);
  const vars = variables([encoder, decoder]);
  const step = (): void => {
    const loss = optimizer.minimize(
      () => {
        const [mu] = encoder.apply(x, { training: true }) as tf.Tensor[];
        const logits = decoder.apply(mu!, { training: true }) as tf.Tensor;
        return tf.losses.sigmoidCrossEntropy(x, logits) as tf.Scalar;
      },
      true,
      vars,
    );
    loss!.dataSync();
    loss!.dispose();
  };
  const se = summarizeModel(encoder);
  const sd = summarizeModel(decoder);
  return { step, models: [encoder, decoder], flops: se.flopsPerImage + sd.flopsPerImage, params: se.trainableParams + sd.trainableParams };
}

function judgeStep(preset: PresetName): { step: () => void; models: LayersModel[]; flops: number; params: number } {
  const cfg = judgePreset(preset);
  const judge = buildJudge(cfg);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([BATCH, cfg.imageSize, cfg.imageSize, cfg.channels], 0, 1, 'float32', 1);
  const labels = tf.oneHot(tf.randomUniform([BATCH], 0, cfg.classes, 'int32', 2) as tf.Tensor1D, cfg.classes);
  const vars = variables([judge]);
  const step = (): void => {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, judge.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true, vars);
    loss!.dataSync();
    loss!.dispose();
  };
  const s = summarizeModel(judge);
  return { step, models: [judge], flops: s.flopsPerImage, params: s.trainableParams };
}

function measure(model: string, preset: string, steps: number, make: () => ReturnType<typeof vaeStep>): Row {
  const { step, models, flops, params } = make();
  const times = timeSteps(step, steps);
  for (const m of models) m.dispose();
  const ms = median(times);
  const gflops = (3 * flops * BATCH) / (ms / 1000) / 1e9;
  console.error(`  ${model} (${preset}): ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  return {
    model,
    preset,
    params,
    msPerStep: ms,
    msMin: Math.min(...times),
    imagesPerSecond: BATCH / (ms / 1000),
    mflopPerImage: flops / 1e6,
    gflopPerSecond: gflops,
    fractionOfPeak: Number.NaN,
  };
}

function table(rows: Row[]): string {
  const head = '| model | preset | params (enc+dec) | ms/step (median) | ms/step (min) | images/s | fwd MFLOP/image | GFLOP/s | of peak |';
  const rule = '|---|---|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map(
    (r) =>
      `| ${r.model} | ${r.preset} | ${r.params.toLocaleString('en-US')} | ${r.msPerStep.toFixed(0)} | ${r.msMin.toFixed(0)} | ${r.imagesPerSecond.toFixed(0)} | ${r.mflopPerImage.toFixed(1)} | ${r.gflopPerSecond.toFixed(1)} | ${(100 * r.fractionOfPeak).toFixed(0)}% |`,
  );
  return [head, rule, ...lines].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '3' },
      presets: { type: 'string', default: 'default,paper' },
      models: { type: 'string', default: MODEL_CHOICES.join(',') },
      json: { type: 'string' },
    },
  });
  const steps = Number(values.steps);
  const presets = values.presets.split(',') as PresetName[];
  const chosen = new Set(values.models.split(','));
  for (const m of chosen) {
    if (!(MODEL_CHOICES as readonly string[]).includes(m)) throw new Error(`--models: unknown model ${m}; use some of ${MODEL_CHOICES.join(', ')}`);
  }
  await useBackend('tensorflow', { purpose: 'bench' });
  const started = performance.now();

  // Other processes on a shared machine lower every number here; the load
  // average and a second peak measurement at the end make that visible, and
  // the fractions use the higher of the two peaks.
  const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');
  const loadStart = load();
  const peakStart = measurePeak();

  const rows: Row[] = [];
  for (const preset of presets) {
    // The paper-size S-GVAE takes seconds per step: fewer timed steps.
    const n = preset === 'paper' ? Math.min(steps, 2) : steps;
    if (chosen.has('svae')) rows.push(measure('S-VAE', preset, n, () => vaeStep(vaePreset(preset, 'cnn'))));
    if (chosen.has('sgvae')) rows.push(measure('S-GVAE', preset, n, () => vaeStep(vaePreset(preset, 'gcnn'))));
    if (chosen.has('sgvae-so2')) rows.push(measure('S-GVAE SO(2)', preset, n, () => vaeStep(vaePreset(preset, 'so2'))));
    if (chosen.has('judge')) rows.push(measure('judge', preset, n, () => judgeStep(preset)));
  }
  const base = vaePreset('default', 'gcnn');
  const widths = base.encoder.widths.join('/');
  const scaling: Row[] = [];
  for (const N of chosen.has('scaling') ? [4, 8, 16] : []) {
    scaling.push(
      measure(`S-GVAE C${N} ${widths}`, 'default', N === 16 ? Math.min(steps, 2) : steps, () => vaeStep(resolveVaeNetConfig({ encoder: { N } }))),
    );
  }
  const peakEnd = measurePeak();
  const peak = Math.max(peakStart, peakEnd);
  for (const r of [...rows, ...scaling]) r.fractionOfPeak = r.gflopPerSecond / peak;
  const seconds = (performance.now() - started) / 1000;

  console.log(
    `matmul peak (2048 x 2048 float32, best of 8): ${peakStart.toFixed(1)} GFLOP/s at the start, ${peakEnd.toFixed(1)} at the end; ` +
      `backend ${tf.getBackend()}, batch ${BATCH}; load average ${loadStart} at the start, ${load()} at the end\n`,
  );
  console.log(table(rows));
  if (scaling.length > 0) {
    console.log(`\nS-GVAE cost against the group order (default preset, fields ${widths}, same decoder):\n`);
    console.log(table(scaling));
  }
  console.log(`\nwhole run: ${seconds.toFixed(0)} s`);
  if (values.json !== undefined) {
    writeFileSync(values.json, JSON.stringify({ peakGflopsStart: peakStart, peakGflopsEnd: peakEnd, batch: BATCH, rows, scaling, seconds }, null, 2));
  }
}

await main();
