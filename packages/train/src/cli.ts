// Entry point of the training stages. The one place here that picks the
// TensorFlow.js backend, installs signal handlers, reads the environment and
// wires tfjs-node's TensorBoard writer into the library.
//
//   npx tsx packages/train/src/cli.ts vae   --params p.json --data datasets --out models/svae
//   npx tsx packages/train/src/cli.ts judge --params p.json --data datasets-full --out models/judge
//   npx tsx packages/train/src/cli.ts defaults vae --profile paper
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContractError, describeNumerics, formatCodeVersion, numericsProvenance, resolveCodeVersion, sourceFingerprint, writeFileAtomically } from '@sgvae/contracts';
import { parseArgs } from 'node:util';
import { BackendError, BackendUnavailableError, resolveBackendName, useBackend } from '@sgvae/models/backend';
import { TrainCliUsageError, TrainError, TrainingInterruptedError } from './errors.ts';
import { autoProgress, plainProgress, silentProgress, terminalProgress, type ProgressReporter } from './observe/progress.ts';
import type { ScalarWriterFactory } from './observe/tensorboard.ts';
import { defaultsFor, describeFields, ParamsError, PROFILES, type Profile } from '@sgvae/contracts/params';
import { readParamsFile } from '@sgvae/contracts/params/read-file';
import { JUDGE_SCHEMA, VAE_SCHEMA } from './params/stage-params.ts';

const USAGE = `Usage:
  cli.ts vae   --params <file.json|yaml> --data <datasets dir> --out <dir> [options]
  cli.ts judge --params <file.json|yaml> --data <datasets dir> --out <dir> [options]
  cli.ts defaults vae|judge [--profile smoke|default|paper] [--markdown]
  cli.ts check-grid --params <train section.json> --grid <matrix.json> --out <grid.json>
                    [--model-key model] [--source <pipeline file, named in errors>]

Options:
  --checkpoint-dir <dir>   resume folder (default: <out>.checkpoint)
  --restart                discard the checkpoint folder's run and start over
  --restart-if-changed     start over only if that run was made with other code, params,
                           data or model (pipelines use it; an interrupted run still resumes)
  --seed <n>               replaces the params' seed (the seed matrix of the pipelines)
  --set <key>=<value>      replaces one param of the VAE stage (repeatable; the sweep's grid values)
  --backend <name>         tensorflow (default) or tensorflow-gpu; also SGVAE_BACKEND
  --progress <mode>        auto (default: bar on a terminal, lines otherwise), bar, plain, none
  --log-every <seconds>    interval of plain progress lines (default 30)

check-grid validates every point of a sweep grid (the combinations the pipeline
runner lists for \${matrix.<stage>}) against the VAE params before any point
trains: the matrix key --model-key names an entry of the \`train\` section, every
other key replaces the param of that name. It lists every bad point and exits 2,
or writes the resolved grid to --out.

Exit status: 0 done, 1 failed, 2 bad usage or params, 130/143 interrupted by
SIGINT/SIGTERM after writing a checkpoint (run the same command to resume).`;

const BACKEND_PACKAGES: Record<string, string> = {
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
};

function progressFor(mode: string, everySeconds: number): ProgressReporter {
  switch (mode) {
    case 'auto':
      return autoProgress(process.stderr, process.env, everySeconds);
    case 'bar':
      return terminalProgress(process.stderr);
    case 'plain':
      return plainProgress((line) => process.stderr.write(line + '\n'), everySeconds);
    case 'none':
      return silentProgress;
    default:
      throw new TrainCliUsageError(`--progress must be auto, bar, plain or none, got "${mode}"`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command === undefined ? 2 : 0;
  }
  if (command === 'defaults') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { profile: { type: 'string', default: 'default' }, markdown: { type: 'boolean', default: false } },
    });
    const schema = positionals[0] === 'vae' ? VAE_SCHEMA : positionals[0] === 'judge' ? JUDGE_SCHEMA : undefined;
    if (schema === undefined) throw new TrainCliUsageError('`defaults` needs a stage: vae or judge');
    if (!(PROFILES as readonly string[]).includes(values.profile)) {
      throw new TrainCliUsageError(`--profile must be one of ${PROFILES.join(', ')}`);
    }
    process.stdout.write(
      values.markdown ? describeFields(schema) + '\n' : JSON.stringify(defaultsFor(schema, values.profile as Profile), null, 2) + '\n',
    );
    return 0;
  }
  if (command === 'check-grid') return checkGridCommand(rest);
  if (command !== 'vae' && command !== 'judge') {
    throw new TrainCliUsageError(`unknown command "${command}"; use vae, judge, defaults or check-grid`);
  }
  const { values } = parseArgs({
    args: rest,
    allowPositionals: false,
    options: {
      params: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      'checkpoint-dir': { type: 'string' },
      restart: { type: 'boolean', default: false },
      'restart-if-changed': { type: 'boolean', default: false },
      seed: { type: 'string' },
      set: { type: 'string', multiple: true },
      backend: { type: 'string' },
      progress: { type: 'string', default: 'auto' },
      'log-every': { type: 'string', default: '30' },
    },
  });
  for (const required of ['params', 'data', 'out'] as const) {
    if (values[required] === undefined) throw new TrainCliUsageError(`missing --${required}`);
  }
  const logEvery = Number(values['log-every']);
  if (!(logEvery > 0)) throw new TrainCliUsageError(`--log-every must be a positive number of seconds`);
  const paramsFile = resolve(values.params!);
  const fromFile = await readParamsFile(paramsFile, '--params');
  // `--seed` replaces the params' seed, so that one params entry serves every
  // seed of a matrix stage (the seed is in the stage's command, hence its hash).
  let raw: unknown = fromFile;
  if (values.seed !== undefined) {
    if (!/^[1-9]\d*$/.test(values.seed)) throw new TrainCliUsageError(`--seed must be a positive integer, got "${values.seed}"`);
    if (fromFile !== null && fromFile !== undefined && (typeof fromFile !== 'object' || Array.isArray(fromFile))) {
      throw new TrainCliUsageError(`${paramsFile} must hold a mapping of params to take --seed`);
    }
    raw = { ...(fromFile as Record<string, unknown> | null | undefined), seed: Number(values.seed) };
  }
  // `--set key=value` replaces single params: a sweep stage passes its grid values this way.
  if (values.set !== undefined && values.set.length > 0) {
    if (command !== 'vae') throw new TrainCliUsageError('--set is for the vae stage only');
    if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
      throw new TrainCliUsageError(`${paramsFile} must hold a mapping of params to take --set`);
    }
    const { parseSetOverrides } = await import('./params/grid.ts');
    raw = { ...(raw as Record<string, unknown> | null | undefined), ...parseSetOverrides(values.set, '--set') };
  }
  const outDir = resolve(values.out!);
  // The stage modules pull in the models and TensorFlow; `defaults` and usage errors do without.
  const [vae, judge, { defaultCheckpointDir }] = await Promise.all([
    import('./stage/vae-stage.ts'),
    import('./stage/judge-stage.ts'),
    import('./stage/stage-common.ts'),
  ]);
  const checkpointDir = resolve(values['checkpoint-dir'] ?? defaultCheckpointDir(outDir));
  // Bad params are reported before TensorFlow loads (the stage checks them again).
  if (command === 'vae') vae.vaeNetConfigFor(vae.resolveVaeParams(raw, paramsFile), paramsFile);
  else judge.judgeConfigFor(judge.resolveJudgeParams(raw, paramsFile), paramsFile);

  const choice = resolveBackendName(values.backend, process.env);
  await useBackend(choice.name, { purpose: 'train' });
  const tfnode = createRequire(import.meta.url)(BACKEND_PACKAGES[choice.name]) as {
    node: { summaryFileWriter(logdir: string): { scalar(n: string, v: number, s: number): void; flush(): void } };
  };
  const scalarWriterFactory: ScalarWriterFactory = (dir) => tfnode.node.summaryFileWriter(dir);

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 1) {
      process.stderr.write(
        `\n${signal}: finishing the current step and writing a checkpoint to ${checkpointDir} (send ${signal} again to abandon it)\n`,
      );
      controller.abort(new Error(signal));
    } else {
      process.stderr.write(`${signal} again: abandoned; the last checkpoint in ${checkpointDir} is kept. Re-run the command to resume.\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // The workspace this CLI belongs to: its code is what the fingerprint covers.
  const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));
  const code = sourceFingerprint(workspaceRoot, '@sgvae/train');
  const numerics = numericsProvenance(process.env, choice.name);
  process.stderr.write(`numerics: ${describeNumerics(numerics)}\n`);
  const quoted = process.argv.slice(1).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`));
  const options = {
    params: raw,
    paramsFile,
    dataDir: resolve(values.data!),
    outDir,
    checkpointDir,
    restart: values.restart,
    restartIfChanged: values['restart-if-changed'],
    signal: controller.signal,
    progress: progressFor(values.progress, logEvery),
    scalarWriterFactory,
    codeVersion: formatCodeVersion(resolveCodeVersion(process.env, workspaceRoot)),
    codeFingerprint: code.digest,
    backend: choice.name,
    numerics,
    resumeHint: `Resume with: npx tsx ${quoted.filter((a) => a !== '--restart').join(' ')}`,
  };
  try {
    const result = command === 'vae' ? await vae.runVaeStage(options) : await judge.runJudgeStage(options);
    process.stdout.write(result.summary + '\n');
    return 0;
  } catch (error) {
    if (error instanceof TrainingInterruptedError) {
      process.stderr.write(error.message + '\n');
      return error.reason === 'SIGINT' ? 130 : 143;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function checkGridCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    allowPositionals: false,
    options: {
      params: { type: 'string' },
      grid: { type: 'string' },
      out: { type: 'string' },
      'model-key': { type: 'string', default: 'model' },
      source: { type: 'string' },
    },
  });
  for (const required of ['params', 'grid', 'out'] as const) {
    if (values[required] === undefined) throw new TrainCliUsageError(`check-grid: missing --${required}`);
  }
  const { checkGrid } = await import('./params/grid.ts');
  const gridFile = resolve(values.grid!);
  const points = await readParamsFile(gridFile, '--grid');
  if (!Array.isArray(points)) throw new TrainCliUsageError(`${gridFile} must list the grid's points ({stage, item} records)`);
  const grid = checkGrid(await readParamsFile(resolve(values.params!), '--params'), points, values['model-key']!, values.source ?? gridFile);
  writeFileAtomically(resolve(values.out!), JSON.stringify(grid, null, 2) + '\n');
  const models = [...new Set(grid.points.map((p) => p.model))];
  process.stdout.write(`grid: ${grid.points.length} points (${models.map((m) => `${m}: ${grid.points.filter((p) => p.model === m).length}`).join(', ')}), all valid\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof TrainCliUsageError || (error instanceof TypeError && /parseArgs|Unknown option|argument/i.test(error.message))) {
      process.stderr.write(`error: ${(error as Error).message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof TrainError || error instanceof BackendError || error instanceof ContractError) {
      process.stderr.write(`error: ${error.message}\n`);
      const usage = error instanceof ParamsError || (error instanceof BackendError && !(error instanceof BackendUnavailableError));
      process.exitCode = usage ? 2 : 1;
    } else {
      process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
