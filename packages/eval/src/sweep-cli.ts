// Command line of the sweep's report stage:
//   npx tsx packages/eval/src/sweep-cli.ts --params <eval.json> --data <datasets> \
//     --runs <run dir | folder of runs> ... [--grid <grid.json>] --out <report dir>
// Writes Table 2 and the latent spheres of the d = 3 runs. Runs that have not
// finished are left out and, with --grid, listed as missing: pointed at the
// sweep's models folder it reports a partial sweep (npm run sweep:report).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeNumerics, numericsProvenance, resolveCodeVersion } from '@sgvae/contracts';
import { readParamsFile } from '@sgvae/contracts/params/read-file';
import { isMainModule } from '@sgvae/data';
import { resolveBackendName, useBackend } from '@sgvae/models/backend';
import { CliUsageError, type CliIo, reportCliError } from './cli.ts';
import { EvalParamsError } from './errors.ts';
import { parseEvalParams } from './params.ts';
import { coverageLine, runSweepStage } from './sweep-stage.ts';

export const SWEEP_USAGE = `Usage: npx tsx packages/eval/src/sweep-cli.ts --params <file.json> --data <datasets dir>
         --runs <dir> [<dir> ...] [--grid <grid.json>] --out <dir> [--backend <name>]

Writes the sweep's report folder <out>: report.md, report.html, results.json,
figures/*.png|svg (Table 2, the grid points still missing, the latent spheres).

  --runs <dir>     A VAE training output, or a folder of them (the sweep's models folder);
                   folders without a manifest (unfinished runs) are left out and counted.
  --grid <file>    grid.json of the sweep's check-grid stage: lists the points still missing.
  --params-section <key>
                   Take the eval params from this key of --params (a pipeline's params file).
  --data <dir>     The sweep's datasets (test digits for the latent spheres).`;

export async function runSweepCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...argv],
        options: {
          params: { type: 'string' },
          data: { type: 'string' },
          runs: { type: 'string', multiple: true },
          grid: { type: 'string' },
          'params-section': { type: 'string' },
          out: { type: 'string' },
          backend: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
        allowPositionals: true,
      });
    } catch (cause) {
      throw new CliUsageError(`${(cause as Error).message}\n\n${SWEEP_USAGE}`, { cause });
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(SWEEP_USAGE);
      return 0;
    }
    for (const flag of ['params', 'data', 'out'] as const) if (!values[flag]) throw new CliUsageError(`--${flag} is required\n\n${SWEEP_USAGE}`);
    // `--runs a b c`: the values after the first arrive as positionals.
    const runs = [...(values.runs ?? []), ...positionals];
    if (runs.length === 0) throw new CliUsageError(`--runs is required: the sweep's run folders, or the folder holding them\n\n${SWEEP_USAGE}`);
    let rawParams = await readParamsFile(resolve(io.cwd, values.params!), '--params');
    const section = values['params-section'];
    if (section !== undefined) {
      // A pipeline's params file holds every stage's section (`eval:` among them).
      const value = typeof rawParams === 'object' && rawParams !== null ? (rawParams as Record<string, unknown>)[section] : undefined;
      if (value === undefined) throw new EvalParamsError(`--params ${values.params} has no section \`${section}\``);
      rawParams = value;
    }
    const params = parseEvalParams(rawParams, { file: values.params!, section });
    const choice = resolveBackendName(values.backend, io.env);
    const backend = await useBackend(choice.name, { purpose: 'eval' });
    const start = performance.now();
    const { results, markdown } = await runSweepStage({
      params,
      dataDir: resolve(io.cwd, values.data!),
      runDirs: runs.map((d) => resolve(io.cwd, d)),
      gridFile: values.grid ? resolve(io.cwd, values.grid) : null,
      outDir: resolve(io.cwd, values.out!),
      backend,
      codeVersion: resolveCodeVersion(io.env, io.cwd),
      numerics: describeNumerics(numericsProvenance(io.env, choice.name)),
      log: (line) => io.err(`[sweep report ${((performance.now() - start) / 1000).toFixed(1)} s] ${line}`),
    });
    io.out(coverageLine(results));
    io.out(`report: ${markdown}`);
    return 0;
  } catch (error) {
    return reportCliError(error, io);
  }
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await runSweepCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
  });
}
