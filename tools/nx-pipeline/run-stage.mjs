#!/usr/bin/env node
// @ts-check
// Runs one pipeline stage; each stage project's `run` target calls it as
//   node tools/nx-pipeline/run-stage.mjs --pipeline <name> --stage <stage> --fingerprint <hex> --artifacts-dir <dir>
// from the workspace root. It re-reads and re-validates the pipeline, checks
// that the stage is the one Nx hashed, writes the stage's params to JSON
// files, deletes the stage's declared outputs, runs the command without a
// shell, and checks that every declared output was written.
// An ES module because execa 9 is one; the shared code is CommonJS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execa } from 'execa';

const require = createRequire(import.meta.url);
/** @type {typeof import('./lib/workspace.js')} */
const { readWorkspace } = require('./lib/workspace.js');
/** @type {typeof import('./lib/pipeline.js')} */
const { readPipeline } = require('./lib/pipeline.js');
/** @type {typeof import('./lib/load.js')} */
const { findPipelineFile } = require('./lib/load.js');
/** @type {typeof import('./lib/errors.js')} */
const { PipelineError, StageRunError, StaleGraphError } = require('./lib/errors.js');
/** @type {typeof import('./lib/nodes.js')} */
const { stageProjectName } = require('./lib/nodes.js');
/** @type {typeof import('./lib/stage-command.js')} */
const { commandLine, stageCommand } = require('./lib/stage-command.js');
/** @type {typeof import('./lib/stage-env.js')} */
const { stageEnv } = require('./lib/stage-env.js');
/** @type {typeof import('./lib/signals.js')} */
const { signalAdvice } = require('./lib/signals.js');

/**
 * @param {string[]} argv
 * @returns {{pipeline: string, stage: string, fingerprint?: string, artifactsDir: string}}
 */
function parseArgs(argv) {
  /** @type {Record<string, string>} */
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(pipeline|stage|fingerprint|artifacts-dir)(?:=(.*))?$/.exec(argv[i]);
    if (!m) {
      throw new StageRunError(`run-stage: unknown argument \`${argv[i]}\``, 'usage: run-stage.mjs --pipeline <name> --stage <stage> [--fingerprint <hex>] [--artifacts-dir <dir>]');
    }
    args[m[1]] = m[2] ?? argv[++i];
  }
  if (!args.pipeline || !args.stage) {
    throw new StageRunError('run-stage: `--pipeline` and `--stage` are required', 'run stages through Nx: `npx nx run <pipeline>--<stage>:run`');
  }
  return { pipeline: args.pipeline, stage: args.stage, fingerprint: args.fingerprint, artifactsDir: args['artifacts-dir'] ?? 'artifacts' };
}

/**
 * @param {string} root
 * @param {string} rel
 * @param {string} artifacts
 */
function insideArtifacts(root, rel, artifacts) {
  const abs = path.resolve(root, rel);
  const base = path.resolve(root, artifacts);
  return abs.startsWith(base + path.sep) ? abs : undefined;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = process.cwd();
  const file = findPipelineFile(root, args.pipeline);
  if (file === undefined) {
    throw new StageRunError(
      `run-stage: no file in ${path.join(root, 'pipelines')} defines the pipeline \`${args.pipeline}\` (as pipelines/${args.pipeline}.yaml or as a profile)`,
      'run stages from the workspace root, through Nx',
    );
  }
  const workspace = readWorkspace(root);
  const pipeline = readPipeline(workspace, file, { artifactsDir: args.artifactsDir }, args.pipeline);
  const stage = pipeline.stages.find((s) => s.name === args.stage);
  const where = { file, line: stage?.line, profile: pipeline.profile, stage: args.stage };
  if (!stage) {
    throw new StaleGraphError('is no longer in the pipeline file, but Nx still scheduled it', 'run the pipeline again so that Nx rebuilds its graph', where);
  }
  if (args.fingerprint && stage.fingerprint !== args.fingerprint) {
    // Nx hashed the stage as it was when the graph was built; running the
    // edited stage would store its outputs under the old cache key.
    throw new StaleGraphError(
      `changed (in ${file} or ${pipeline.paramsFile ?? 'its params file'}) after Nx hashed it`,
      'run the pipeline again; Nx will hash and run the stage as it is now',
      where,
    );
  }
  const record = stage.record;

  for (const f of record.files) {
    if (!fs.existsSync(path.join(root, f))) {
      throw new StageRunError(`depends on \`${f}\`, which does not exist`, 'create it, or remove it from the stage\'s `deps`', where);
    }
  }
  for (const d of stage.deps) {
    d.paths.forEach((p, i) => {
      if (!fs.existsSync(path.join(root, p))) {
        throw new StageRunError(
          `reads \`${d.ref}\` (${p}), which does not exist`,
          `run it through Nx so the upstream stage runs first: \`npx nx run ${stageProjectName(pipeline.name, stage.name)}:run\` (upstream: \`${d.stages[i]}\`)`,
          where,
        );
      }
    });
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `nx-pipeline-${pipeline.name}-`));
  try {
    const argv = stageCommand(pipeline, stage, tmp);

    const program = argv[0];
    const script = argv.slice(1).find((a) => !a.startsWith('-') && /\.[cm]?[jt]sx?$/.test(a));
    if ((program === 'node' || program === 'tsx') && script && !fs.existsSync(path.resolve(root, script))) {
      throw new StageRunError(`runs \`${script}\`, which does not exist`, `write it, or fix \`cmd\` in ${file}`, where);
    }

    // Nx does not clear outputs before running a task, and it caches whatever
    // the declared output paths hold afterwards. Deleting them first means a
    // file the command no longer writes cannot ride along into the new cache
    // entry, and a failed run leaves no previous outputs that look current.
    // (On a cache hit Nx replaces the outputs wholesale, so this is only
    // needed on a real run.)
    const outputs = [...Object.values(record.outs), ...Object.values(record.metrics), ...Object.values(record.plots)];
    for (const out of outputs) {
      const abs = insideArtifacts(root, out, pipeline.artifacts);
      if (!abs) throw new StageRunError(`declares the output ${out} outside ${pipeline.artifacts}/`, 'fix its path', where);
      fs.rmSync(abs, { recursive: true, force: true });
      fs.mkdirSync(path.dirname(abs), { recursive: true });
    }

    const [bin, binArgs] = commandLine(program, argv.slice(1));
    const env = stageEnv(record);
    const threads = record.threads === undefined ? '' : ` (${record.threads} TensorFlow thread${record.threads === 1 ? '' : 's'})`;
    process.stdout.write(`[${pipeline.name}] ${stage.name}: ${argv.join(' ')}${threads}\n`);
    const started = performance.now();
    const result = await execa(bin, binArgs, { cwd: root, stdio: 'inherit', preferLocal: true, reject: false, env });
    if (result.failed) {
      const why = result.signal
        ? `was stopped by ${result.signal}`
        : result.exitCode === undefined
          ? `could not start (${result.originalMessage ?? result.shortMessage})`
          : `exited with code ${result.exitCode}`;
      throw new StageRunError(
        `failed: \`${argv.join(' ')}\` ${why}`,
        result.signal ? signalAdvice(result.signal) : 'see the output above; fix the stage and run the pipeline again',
        where,
      );
    }
    process.stdout.write(`[${pipeline.name}] ${stage.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    const missing = outputs.filter((o) => !fs.existsSync(path.join(root, o)));
    if (missing.length) {
      throw new StageRunError(
        `finished but did not write ${missing.join(', ')}`,
        'make the command write every declared output, or remove the ones it does not write from the pipeline file',
        where,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((/** @type {unknown} */ e) => {
  if (e instanceof PipelineError) {
    process.stderr.write(`\n${e.name}: ${e.message}\n`);
  } else {
    process.stderr.write(`\nrun-stage: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
  process.exitCode = 1;
});
