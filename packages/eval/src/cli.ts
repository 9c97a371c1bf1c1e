// Command line of the eval stage:
//   npx tsx packages/eval/src/cli.ts --params <eval.json> --data <datasets> \
//     --models sgvae=<dir> svae=<dir> svae-aug=<dir> --judge <dir> --out <report dir>
// or, with each model evaluated by model-cli.ts in its own process:
//   npx tsx packages/eval/src/cli.ts --params <eval.json> --data <datasets> \
//     --evaluated sgvae=<dir> svae=<dir> --judge <dir> --out <report dir>
// Prints progress to stderr and a summary table with the report's path to
// stdout; exits 2 on bad usage or params, 1 on any other failure.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ContractError, ContractInputError, describeNumerics, numericsProvenance, resolveCodeVersion } from '@sgvae/contracts';
import { readParamsFile } from '@sgvae/contracts/params/read-file';
import { DataError, isMainModule } from '@sgvae/data';
import { BackendError, resolveBackendName, useBackend } from '@sgvae/models/backend';
import { EvalError, EvalParamsError } from './errors.ts';
import { parseEvalParams } from './params.ts';
import { readPipelineTimings } from './provenance.ts';
import { formatSummaryForTerminal } from './report/summary.ts';
import { runEvalStage, type ModelSpec } from './stage.ts';

export const USAGE = `Usage: npx tsx packages/eval/src/cli.ts --params <file.json> --data <datasets dir>
         --models <name>=<dir> [<name>=<dir> ...] --judge <dir> --out <dir> [options]
       npx tsx packages/eval/src/cli.ts ... --evaluated <name>=<dir> [<name>=<dir> ...] ...

Evaluates trained VAEs with the judge and writes a report folder <out>:
  report.md, report.html (self-contained), results.json, summary.json, figures/*.png|svg

Options:
  --params <file>          JSON (or YAML) holding exactly the eval params; missing keys take defaults.
  --data <dir>             Datasets folder of the data stage (sets named by params.datasets).
  --models <name>=<dir>    A VAE training output; repeat the flag or list several after it.
                           Names sgvae, sgvae-so2, svae and svae-aug also fix the model kind (and the paper columns).
  --evaluated <name>=<dir> A model evaluation folder (model-cli.ts, made with the same --params, --data
                           and --judge); repeat the flag or list several after it. Merged after --models.
  --judge <dir>            The judge's training output.
  --out <dir>              Report folder; replaced whole when the new report is complete.
  --sweep <dir>            Sweep output (a run folder or a folder of run folders); repeatable. Adds Table 2.
  --pipeline-info <file>   JSON {"stages": [{"name", "seconds", "cacheHit"}]} from the pipeline, for provenance.
  --backend <name>         tensorflow (default), tensorflow-gpu; also SGVAE_BACKEND.
  -h, --help               Show this text.`;

export class CliUsageError extends EvalError {}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

type ArgToken = { kind: 'option'; name: string } | { kind: 'positional'; value: string } | { kind: 'option-terminator' };

/** The `--models` and `--evaluated` lists; a positional belongs to the nearest of the two flags before it. */
function splitModelLists(tokens: readonly ArgToken[], models: string[], evaluated: string[]): { models: ModelSpec[]; evaluated: ModelSpec[] } {
  const lists = { models: [...models], evaluated: [...evaluated] };
  let current: keyof typeof lists = 'models';
  for (const t of tokens) {
    if (t.kind === 'option' && (t.name === 'models' || t.name === 'evaluated')) current = t.name;
    else if (t.kind === 'positional') lists[current].push(t.value);
  }
  return { models: lists.models.map(parseModelSpec), evaluated: lists.evaluated.map(parseModelSpec) };
}

export function parseModelSpec(text: string): ModelSpec {
  const m = /^([a-z0-9][a-z0-9_-]*)=(.+)$/i.exec(text);
  if (!m) throw new CliUsageError(`"${text}" is not <name>=<dir>; e.g. --models sgvae=artifacts/train-sgvae`);
  return { name: m[1], dir: m[2] };
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...argv],
        options: {
          params: { type: 'string' },
          data: { type: 'string' },
          models: { type: 'string', multiple: true },
          evaluated: { type: 'string', multiple: true },
          judge: { type: 'string' },
          out: { type: 'string' },
          sweep: { type: 'string', multiple: true },
          'pipeline-info': { type: 'string' },
          backend: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
        allowPositionals: true,
        tokens: true,
      });
    } catch (cause) {
      throw new CliUsageError(`${(cause as Error).message}\n\n${USAGE}`, { cause });
    }
    const { values, tokens } = parsed;
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    for (const flag of ['params', 'data', 'judge', 'out'] as const) {
      if (!values[flag]) throw new CliUsageError(`--${flag} is required\n\n${USAGE}`);
    }
    // `--models a=x b=y`: the values after the first arrive as positionals.
    const { models, evaluated } = splitModelLists(tokens, values.models ?? [], values.evaluated ?? []);
    if (models.length + evaluated.length === 0) throw new CliUsageError(`no model to evaluate: pass --models <name>=<dir> or --evaluated <name>=<dir>\n\n${USAGE}`);
    const params = parseEvalParams(await readParamsFile(resolve(io.cwd, values.params!), '--params'), values.params!);
    const choice = resolveBackendName(values.backend, io.env);
    const backend = await useBackend(choice.name, { purpose: 'eval' });
    const pipelineTimings = values['pipeline-info'] ? await readPipelineTimings(resolve(io.cwd, values['pipeline-info'])) : null;
    const start = performance.now();
    const { results, report } = await runEvalStage({
      params,
      dataDir: resolve(io.cwd, values.data!),
      models: models.map((m) => ({ name: m.name, dir: resolve(io.cwd, m.dir) })),
      evaluated: evaluated.map((m) => ({ name: m.name, dir: resolve(io.cwd, m.dir) })),
      judgeDir: resolve(io.cwd, values.judge!),
      outDir: resolve(io.cwd, values.out!),
      sweepDirs: (values.sweep ?? []).map((d) => resolve(io.cwd, d)),
      pipelineTimings,
      backend,
      codeVersion: resolveCodeVersion(io.env, io.cwd),
      numerics: describeNumerics(numericsProvenance(io.env, choice.name)),
      log: (line) => io.err(`[eval ${((performance.now() - start) / 1000).toFixed(1)} s] ${line}`),
    });
    io.out(formatSummaryForTerminal(results, report.markdown));
    return 0;
  } catch (error) {
    return reportCliError(error, io);
  }
}

/** An error class, for the lists of reportCliError. */
type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * Prints an error of an eval CLI (or of a CLI built on eval, which adds its own classes) and gives its exit status: 2 for bad usage
 * or params, 1 for any other failure. Typed errors of this project say what
 * to do; anything else is a bug and gets its stack.
 */
export function reportCliError(
  error: unknown,
  io: Pick<CliIo, 'err'>,
  more: { usage?: readonly ErrorClass[]; failure?: readonly ErrorClass[] } = {},
): number {
  const is = (classes: readonly ErrorClass[]) => classes.some((c) => error instanceof c);
  if (is([CliUsageError, EvalParamsError, ContractInputError, ...(more.usage ?? [])])) {
    io.err(`error: ${(error as Error).message}`);
    return 2;
  }
  if (is([EvalError, DataError, BackendError, ContractError, ...(more.failure ?? [])])) {
    io.err(`error: ${(error as Error).message}`);
    return 1;
  }
  io.err(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
  });
}
