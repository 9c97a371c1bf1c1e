#!/usr/bin/env node
// @ts-check
// How well a pipeline run uses the machine: runs every stage of a pipeline
// through Nx with the cache off, and prints
//   - each stage's wall time in the pipeline,
//   - each training stage's images/s in the pipeline (from its metrics.jsonl)
//     against its images/s alone (the same command run by itself with the
//     same thread setting, over two short epochs; the second one is timed),
//   - the CPU time of the whole run against wall time x cores: the share of
//     the machine the pipeline kept busy.
//
//   node tools/bench/pipeline-bench.mjs [--pipeline pipeline] [--alone-images 3000]
//        [--skip-pipeline] [--skip-alone] [--json out.json]
//
// --skip-pipeline reads the images/s of the pipeline's last run from its
// artifacts instead of running it. Nx does not store the results of a run
// with the cache off, so a later `nx run <pipeline>:all` runs the stages
// again. The alone runs write to a temporary
// folder; the pipeline's artifacts are left as the run made them. These
// machines are shared: compare the ratios of one run, not numbers across runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { execa } from 'execa';

const require = createRequire(import.meta.url);
/** @type {typeof import('../nx-pipeline/lib/workspace.js')} */
const { readWorkspace } = require('../nx-pipeline/lib/workspace.js');
/** @type {typeof import('../nx-pipeline/lib/pipeline.js')} */
const { readPipeline } = require('../nx-pipeline/lib/pipeline.js');
/** @type {typeof import('../nx-pipeline/lib/load.js')} */
const { findPipelineFile } = require('../nx-pipeline/lib/load.js');
/** @type {typeof import('../nx-pipeline/lib/stage-command.js')} */
const { commandLine, stageCommand } = require('../nx-pipeline/lib/stage-command.js');
/** @type {typeof import('../nx-pipeline/lib/stage-env.js')} */
const { stageEnv } = require('../nx-pipeline/lib/stage-env.js');
/** @type {typeof import('../nx-pipeline/lib/nodes.js')} */
const { stageProjectName } = require('../nx-pipeline/lib/nodes.js');

const USAGE = 'usage: node tools/bench/pipeline-bench.mjs [--pipeline <name>] [--alone-images <n>] [--skip-pipeline] [--skip-alone] [--json <file>]';
const TRAIN_CLI = 'packages/train/src/cli.ts';

// /proc reports CPU times in USER_HZ ticks, which Linux fixes at 100 per second
// for user space on every architecture it supports.
const USER_HZ = 100;

/** CPU seconds (user + system) of this process's waited-for descendants: fields 16 and 17 of /proc/self/stat. */
function childrenCpuSeconds() {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  // After the command name in parentheses, fields[0] is field 3 (state); cutime is field 16, cstime field 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / USER_HZ;
}

/** Busy and total jiffies of the whole machine (/proc/stat, first line). */
function machineJiffies() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * Images per second over a training run's epochs (metrics.jsonl: imagesPerSec and trainSeconds per epoch),
 * or over its last epoch only (`lastOnly`: leaves out the first epoch's warm-up).
 * @param {string} file
 * @param {boolean} [lastOnly]
 */
function imagesPerSecond(file, lastOnly = false) {
  if (!fs.existsSync(file)) return undefined;
  let images = 0;
  let seconds = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const m = JSON.parse(line);
    if (typeof m.imagesPerSec === 'number' && typeof m.trainSeconds === 'number') {
      if (lastOnly) [images, seconds] = [0, 0];
      images += m.imagesPerSec * m.trainSeconds;
      seconds += m.trainSeconds;
    }
  }
  return seconds > 0 ? images / seconds : undefined;
}

/** @param {number} s */
function duration(s) {
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min ${Math.round(s - 60 * m)} s` : `${s.toFixed(1)} s`;
}

/**
 * Runs the whole pipeline through Nx, cache off; returns stage times and CPU use.
 * @param {string} root
 * @param {string} name
 * @param {string[]} stageNames
 */
async function runPipeline(root, name, stageNames) {
  const cpu0 = childrenCpuSeconds();
  const machine0 = machineJiffies();
  const t0 = performance.now();
  /** @type {Map<string, {start: number, seconds?: number}>} */
  const stages = new Map();
  const child = execa('npx', ['nx', 'run', `${name}:all`, '--skip-nx-cache', '--output-style=stream'], {
    cwd: root,
    env: { NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' },
    all: true,
    buffer: false,
    reject: false,
  });
  const started = new RegExp(`^\\[${name}\\] (\\S+): `);
  const done = new RegExp(`^\\[${name}\\] (\\S+): done in ([0-9.]+) s$`);
  let pending = '';
  const log = fs.createWriteStream(path.join(os.tmpdir(), `pipeline-bench-${name}.log`));
  child.all?.on('data', (/** @type {Buffer} */ chunk) => {
    log.write(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const raw of lines) {
      // Nx's stream style prefixes every line with the project name.
      const line = raw.replace(/^\S+:\s/, '');
      const d = done.exec(line);
      if (d) {
        const s = stages.get(d[1]) ?? { start: 0 };
        s.seconds = Number(d[2]);
        stages.set(d[1], s);
        continue;
      }
      const st = started.exec(line);
      if (st && !stages.has(st[1])) stages.set(st[1], { start: (performance.now() - t0) / 1000 });
    }
  });
  const timer = setInterval(() => {
    const finished = [...stages.values()].filter((s) => s.seconds !== undefined).length;
    const running = [...stages.entries()].filter(([, s]) => s.seconds === undefined).map(([n]) => n);
    process.stdout.write(`  ${duration((performance.now() - t0) / 1000)}: ${finished}/${stageNames.length} stages done; running ${running.join(', ') || '-'}\n`);
  }, 60_000);
  const result = await child;
  clearInterval(timer);
  log.end();
  if (result.exitCode !== 0) {
    throw new Error(`nx run ${name}:all failed (exit ${result.exitCode}); its output is in ${log.path}`);
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = childrenCpuSeconds() - cpu0;
  const machine1 = machineJiffies();
  const machineBusy = (machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total);
  return { wall, cpu, machineBusy, stages };
}

async function main() {
  const { values } = parseArgs({
    options: {
      pipeline: { type: 'string', default: 'pipeline' },
      'alone-images': { type: 'string', default: '3000' },
      'skip-pipeline': { type: 'boolean', default: false },
      'skip-alone': { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const aloneImages = Number(values['alone-images']);
  if (!Number.isInteger(aloneImages) || aloneImages < 100) throw new Error(`--alone-images must be a whole number >= 100, got ${values['alone-images']}\n${USAGE}`);
  const root = process.cwd();
  if (!fs.existsSync(path.join(root, 'nx.json'))) throw new Error('run it from the workspace root (where nx.json is)');
  const name = /** @type {string} */ (values.pipeline);
  const workspace = readWorkspace(root);
  const file = findPipelineFile(root, name);
  if (file === undefined) throw new Error(`no pipeline \`${name}\` in pipelines/ (a file pipelines/${name}.yaml or a profile of that name)`);
  const pipeline = readPipeline(workspace, file, { artifactsDir: 'artifacts' }, name);
  const inAll = pipeline.stages.filter((s) => !s.optional);
  // The stages that train (`cli.ts vae` or `cli.ts judge`; not the sweep's `check-grid`).
  const training = inAll.filter((s) => s.record.cmd[1] === TRAIN_CLI && ['vae', 'judge'].includes(s.record.cmd[2] ?? ''));
  const cores = os.availableParallelism();

  /** @type {Awaited<ReturnType<typeof runPipeline>> | undefined} */
  let run;
  if (!values['skip-pipeline']) {
    process.stdout.write(`Running every stage of \`${name}\` (${inAll.length} stages, cache off), progress every minute...\n`);
    run = await runPipeline(root, name, inAll.map((s) => s.name));
  }

  /** @type {Map<string, number | undefined>} */
  const alone = new Map();
  if (!values['skip-alone']) {
    for (const stage of training) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-bench-'));
      // The judge's stage (`cli.ts judge`) also reports a test accuracy, which has a cap of its own.
      const isJudge = stage.record.cmd[2] === 'judge';
      try {
        const argv = stageCommand(pipeline, stage, dir, {
          // Two epochs over `aloneImages` images (the second is timed), short validation and test.
          transformParams: (_key, value) =>
            value !== null && typeof value === 'object' && !Array.isArray(value)
              ? { ...value, epochs: 2, maxTrainImages: aloneImages, maxValidationImages: 500, ...(isJudge ? { maxTestImages: 500 } : {}) }
              : value,
        });
        const out = argv.indexOf('--out');
        const outDir = path.join(dir, 'out');
        if (out >= 0) argv[out + 1] = outDir;
        const [bin, args] = commandLine(argv[0], argv.slice(1).filter((a) => a !== '--restart-if-changed'));
        process.stdout.write(`Alone: ${stage.name} (${aloneImages} images, threads ${stage.record.threads ?? 'all'})...\n`);
        const r = await execa(bin, args, {
          cwd: root,
          env: stageEnv(stage.record),
          reject: false,
          all: true,
        });
        if (r.exitCode !== 0) throw new Error(`${stage.name} alone failed (exit ${r.exitCode}):\n${String(r.all).split('\n').slice(-15).join('\n')}`);
        alone.set(stage.name, imagesPerSecond(path.join(outDir, 'metrics.jsonl'), true));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }

  const fmt = (/** @type {number | undefined} */ v, digits = 0) => (v === undefined ? '–' : v.toFixed(digits));
  const rows = inAll.map((stage) => {
    const outs = Object.values(stage.record.outs);
    const inPipeline = training.includes(stage) && outs.length > 0 ? imagesPerSecond(path.join(root, outs[0], 'metrics.jsonl')) : undefined;
    const a = alone.get(stage.name);
    const s = run?.stages.get(stage.name);
    return {
      stage: stage.name,
      project: stageProjectName(pipeline.name, stage.name),
      threads: stage.record.threads ?? null,
      startSeconds: s?.start ?? null,
      seconds: s?.seconds ?? null,
      imagesPerSecondAlone: a ?? null,
      imagesPerSecondInPipeline: inPipeline ?? null,
      ratio: a !== undefined && inPipeline !== undefined ? inPipeline / a : null,
    };
  });
  const lines = [
    '',
    `| stage | threads | start (s) | wall (s) | images/s alone | images/s in the pipeline | in pipeline / alone |`,
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.stage} | ${r.threads ?? 'all'} | ${fmt(r.startSeconds ?? undefined)} | ${fmt(r.seconds ?? undefined, 1)} | ${fmt(r.imagesPerSecondAlone ?? undefined)} | ${fmt(r.imagesPerSecondInPipeline ?? undefined)} | ${r.ratio === null ? '–' : r.ratio.toFixed(2)} |`,
    ),
  ];
  /** @type {Record<string, unknown>} */
  const summary = { pipeline: name, cores, aloneImages };
  if (run) {
    const share = run.cpu / (run.wall * cores);
    lines.push(
      '',
      `| pipeline | wall | CPU (user + system) | cores | CPU busy (pipeline's own) | machine busy (all processes) |`,
      '|---|---|---|---|---|---|',
      `| ${name} | ${duration(run.wall)} | ${duration(run.cpu)} | ${cores} | ${(100 * share).toFixed(1)}% | ${(100 * run.machineBusy).toFixed(1)}% |`,
    );
    Object.assign(summary, { wallSeconds: run.wall, cpuSeconds: run.cpu, cpuBusyShare: share, machineBusyShare: run.machineBusy });
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (values.json) {
    fs.writeFileSync(values.json, `${JSON.stringify({ ...summary, stages: rows }, null, 2)}\n`);
    process.stdout.write(`\nwrote ${values.json}\n`);
  }
}

main().catch((/** @type {unknown} */ e) => {
  process.stderr.write(`pipeline-bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
