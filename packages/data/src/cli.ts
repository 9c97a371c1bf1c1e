// Command line of the data stage:
//   npx tsx packages/data/src/cli.ts --params params/data.yaml --out datasets [--code-version <sha>]
// Prints one plain line per set; exits 2 on bad usage or params, 1 on any
// other failure, with the message of the typed error (which says what to do).

import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ContractError, ContractInputError, formatCodeVersion, resolveCodeVersion } from '@sgvae/contracts';
import { buildDatasets, type BuildProgress } from './build-datasets.ts';
import { CliUsageError, DataError, ParamsError } from './errors.ts';
import { isMainModule } from './is-main-module.ts';
import { loadDataParams } from './params.ts';

export const USAGE = `Usage: npx tsx packages/data/src/cli.ts --params <file.yaml|file.json> --out <dir> [--code-version <sha>]

Builds the MNIST datasets of the data stage into <dir>:
  <dir>/train, val, test     upright digits (stratified split of the params)
  <dir>/<name>               one folder per entry of the params' \`sets\`
  <dir>/manifest.json        lists every set; written last
Each set holds images.u8, labels.u8, angles.f32, source-indices.u32 and manifest.json.
<dir> is replaced only when the new build is complete.

Options:
  --params <file>        YAML or JSON file holding exactly the data params
                         (seed, size, subset, validationFraction, supersample, sets);
                         missing keys take their defaults. Required.
  --out <dir>            Output folder. Required.
  --code-version <sha>   Recorded in every manifest (default: $SGVAE_CODE_VERSION, else the git
                         commit of the checkout, "+dirty" when tracked files changed).
  -h, --help             Show this text.`;

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Folder whose git checkout gives the code version. */
  readonly cwd: string;
}

function formatProgress(p: BuildProgress): string {
  return `[${p.index}/${p.total}] ${p.set}: ${p.count} images in ${p.seconds.toFixed(2)} s (${Math.round(p.imagesPerSecond)} images/s)`;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...argv],
        options: {
          params: { type: 'string' },
          out: { type: 'string' },
          'code-version': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
        allowPositionals: false,
      });
    } catch (cause) {
      throw new CliUsageError(`${(cause as Error).message}\n\n${USAGE}`, { cause });
    }
    const { values } = parsed;
    if (values.help === true) {
      io.out(USAGE);
      return 0;
    }
    if (values.params === undefined || values.params === '') throw new CliUsageError(`--params <file> is required\n\n${USAGE}`);
    if (values.out === undefined || values.out === '') throw new CliUsageError(`--out <dir> is required\n\n${USAGE}`);
    const params = loadDataParams(values.params, '--params');
    const codeVersion = values['code-version'] ?? formatCodeVersion(resolveCodeVersion(io.env, io.cwd));
    io.out(`building datasets into ${values.out} (size ${params.size}, seed ${params.seed}, code ${codeVersion})`);
    const start = performance.now();
    const index = await buildDatasets(params, values.out, {
      codeVersion,
      paramsFile: values.params,
      onProgress: (p) => io.out(formatProgress(p)),
    });
    const total = index.sets.reduce((sum, s) => sum + s.count, 0);
    io.out(`done: ${index.sets.length} sets, ${total} images in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (error instanceof CliUsageError || error instanceof ParamsError || error instanceof ContractInputError) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    if (error instanceof DataError || error instanceof ContractError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    io.err(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

if (isMainModule(import.meta.url)) {
  const code = await runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
  });
  process.exitCode = code;
}
