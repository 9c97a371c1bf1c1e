// Where training numbers come apart between machines. Trains the same short
// run (same code, params, seed and data) once per numerics setting, each in its
// own process, and prints how far its weights and validation loss land from
// the reference run on this machine. Settings stand in for other CPU kinds:
// oneDNN limited to an older instruction set (AVX2 or SSE4.1 instead of
// AVX-512), oneDNN off, and one intra-op thread instead of all cores.
//
//   npx tsx packages/train/bench/numerics.bench.ts [--data artifacts/pipeline/datasets] [--encoder cnn|gcnn]
//        [--images 2000] [--epochs 1] [--json out.json]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeNumerics, numericsProvenance } from '@sgvae/contracts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'packages/train/src/cli.ts');

const SETTINGS: { id: string; what: string; env: Record<string, string>; args?: string[] }[] = [
  { id: 'reference', what: 'this machine as it is', env: {} },
  { id: 'repeat', what: 'the same again (reproducibility)', env: {} },
  { id: 'intra-op-1', what: 'one intra-op thread', env: { TF_NUM_INTRAOP_THREADS: '1' } },
  { id: 'isa-avx2', what: 'oneDNN limited to AVX2 (a CPU without AVX-512)', env: { ONEDNN_MAX_CPU_ISA: 'AVX2' } },
  { id: 'isa-sse41', what: 'oneDNN limited to SSE4.1', env: { ONEDNN_MAX_CPU_ISA: 'SSE41' } },
  { id: 'onednn-off', what: 'oneDNN off (Eigen kernels)', env: { TF_ENABLE_ONEDNN_OPTS: '0' } },
  // The scale to compare against: another seed on this machine.
  { id: 'seed-2', what: 'another seed (for scale)', env: {}, args: ['--seed', '2'] },
];

interface Outcome {
  id: string;
  what: string;
  seconds: number;
  valLoss: number;
  weights: Float32Array;
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, SGVAE_BACKEND: 'tensorflow' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stderr }));
  });
}

/** Every weight of the saved encoder and decoder, concatenated (the layers format stores float32 little-endian). */
async function weightsOf(out: string): Promise<Float32Array> {
  const parts: Buffer[] = [];
  for (const role of ['encoder', 'decoder']) parts.push(await readFile(join(out, role, 'weights.bin')));
  const all = Buffer.concat(parts);
  return new Float32Array(all.buffer, all.byteOffset, all.byteLength / 4);
}

function drift(a: Float32Array, b: Float32Array): { maxAbs: number; relL2: number; identical: boolean } {
  let max = 0;
  let num = 0;
  let den = 0;
  let identical = a.length === b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = a[i] - b[i];
    if (d !== 0 || Object.is(a[i], -0) !== Object.is(b[i], -0)) identical = false;
    max = Math.max(max, Math.abs(d));
    num += d * d;
    den += a[i] * a[i];
  }
  return { maxAbs: max, relL2: Math.sqrt(num / Math.max(den, 1e-30)), identical };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: 'artifacts/pipeline/datasets' },
      encoder: { type: 'string', default: 'cnn' },
      images: { type: 'string', default: '2000' },
      epochs: { type: 'string', default: '1' },
      json: { type: 'string' },
    },
  });
  const dir = await mkdtemp(join(tmpdir(), 'numerics-bench-'));
  const params = {
    profile: 'default',
    encoder: values.encoder,
    epochs: Number(values.epochs),
    maxTrainImages: Number(values.images),
    maxValidationImages: 1000,
    ...(values.encoder === 'gcnn' ? { model: { encoder: { orbit: 1 } } } : {}),
  };
  const paramsFile = join(dir, 'params.json');
  await writeFile(paramsFile, JSON.stringify(params));
  process.stdout.write(`machine: ${describeNumerics(numericsProvenance(process.env, 'tensorflow'))}\n`);
  process.stdout.write(`run: ${JSON.stringify(params)} on ${values.data}, seed 1, one process per setting\n\n`);
  const outcomes: Outcome[] = [];
  try {
    for (const s of SETTINGS) {
      const out = join(dir, s.id);
      const start = performance.now();
      const r = await run(
        ['vae', '--params', paramsFile, '--data', resolve(ROOT, values.data), '--out', out, '--progress', 'none', '--restart', ...(s.args ?? [])],
        s.env,
      );
      const seconds = (performance.now() - start) / 1000;
      if (r.code !== 0) {
        process.stdout.write(`${s.id}: failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}\n`);
        continue;
      }
      const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { metrics: { valLoss: number } };
      outcomes.push({ id: s.id, what: s.what, seconds, valLoss: manifest.metrics.valLoss, weights: await weightsOf(out) });
      process.stdout.write(`${s.id}: done in ${seconds.toFixed(1)} s\n`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const ref = outcomes.find((o) => o.id === 'reference');
  if (ref === undefined) throw new Error('the reference run failed; see above');
  const rows = outcomes.map((o) => {
    const d = drift(ref.weights, o.weights);
    return {
      setting: o.id,
      what: o.what,
      'bit-identical': d.identical ? 'yes' : 'no',
      'max |Δw|': d.maxAbs.toExponential(2),
      'rel. L2 Δw': d.relL2.toExponential(2),
      'val loss': o.valLoss.toFixed(3),
      'Δ val loss': (o.valLoss - ref.valLoss).toFixed(3),
      seconds: o.seconds.toFixed(1),
    };
  });
  const cols = Object.keys(rows[0]) as (keyof (typeof rows)[0])[];
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i])).join(' | ')} |`;
  process.stdout.write(`\n${line(cols)}\n${line(width.map((w) => '-'.repeat(w)))}\n${rows.map((r) => line(cols.map((c) => r[c]))).join('\n')}\n`);
  if (values.json) await writeFile(values.json, JSON.stringify(rows, null, 2));
}

await main();
