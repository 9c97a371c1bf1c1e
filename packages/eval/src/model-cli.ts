// Command line of the evaluate-model stage: one VAE evaluated in its own
// process, its numbers and figure samples written to a folder that the report
// stage merges (cli.ts --evaluated name=<dir>):
//   npx tsx packages/eval/src/model-cli.ts --params <eval.json> --data <datasets> \
//     --model sgvae=<dir> --judge <dir> --out <evaluation dir>
// Exits 2 on bad usage or params, 1 on any other failure.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeNumerics, numericsProvenance } from '@sgvae/contracts';
import { readParamsFile } from '@sgvae/contracts/params/read-file';
import { isMainModule } from '@sgvae/data';
import { resolveBackendName, useBackend } from '@sgvae/models/backend';
import { CliUsageError, parseModelSpec, reportCliError, type CliIo } from './cli.ts';
import { parseEvalParams } from './params.ts';
import { runModelEvalStage } from './stage.ts';
import { pct } from './report/format.ts';

export const MODEL_USAGE = `Usage: npx tsx packages/eval/src/model-cli.ts --params <file.json> --data <datasets dir>
         --model <name>=<dir> --judge <dir> --out <dir> [--backend <name>]

Evaluates one trained VAE with the judge and writes <out>/model-evaluation.json:
its Table 1 cells, invariance curves, 6-or-9 rows, kNN, pose recovery and
figure samples. The report stage merges such folders (cli.ts --evaluated
<name>=<dir>) and checks that they were made with its own params, datasets and
judge. The numbers are those the model gets in a report that evaluates it
in-process (cli.ts --models).

Options:
  --params <file>          JSON (or YAML) holding exactly the eval params; missing keys take defaults.
  --data <dir>             Datasets folder of the data stage.
  --model <name>=<dir>     The VAE's training output (names as for cli.ts --models).
  --judge <dir>            The judge's training output.
  --out <dir>              Evaluation folder; replaced whole when complete.
  --backend <name>         tensorflow (default), tensorflow-gpu; also SGVAE_BACKEND.
  -h, --help               Show this text.`;

export async function runModelCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...argv],
        options: {
          params: { type: 'string' },
          data: { type: 'string' },
          model: { type: 'string' },
          judge: { type: 'string' },
          out: { type: 'string' },
          backend: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (cause) {
      throw new CliUsageError(`${(cause as Error).message}\n\n${MODEL_USAGE}`, { cause });
    }
    if (values.help) {
      io.out(MODEL_USAGE);
      return 0;
    }
    for (const flag of ['params', 'data', 'model', 'judge', 'out'] as const) {
      if (!values[flag]) throw new CliUsageError(`--${flag} is required\n\n${MODEL_USAGE}`);
    }
    const model = parseModelSpec(values.model!);
    const params = parseEvalParams(await readParamsFile(resolve(io.cwd, values.params!), '--params'), values.params!);
    const choice = resolveBackendName(values.backend, io.env);
    const backend = await useBackend(choice.name, { purpose: 'eval' });
    const start = performance.now();
    const outDir = resolve(io.cwd, values.out!);
    const evaluation = await runModelEvalStage({
      params,
      dataDir: resolve(io.cwd, values.data!),
      model: { name: model.name, dir: resolve(io.cwd, model.dir) },
      judgeDir: resolve(io.cwd, values.judge!),
      outDir,
      backend,
      numerics: describeNumerics(numericsProvenance(io.env, choice.name)),
      log: (line) => io.err(`[eval ${model.name} ${((performance.now() - start) / 1000).toFixed(1)} s] ${line}`),
    });
    const cell = (set: string) => pct(evaluation.table1.find((c) => c.set === set)!.estimate.accuracy);
    const knn = evaluation.knn.find((k) => k.set === 'rotated');
    io.out(
      `${evaluation.model.label} (${model.name}): upright ${cell('upright')}, rotated ${cell('rotated')}, ` +
        `mean cosine ${evaluation.invariance.meanCosine.toFixed(3)}${knn === undefined ? '' : `, kNN rotated ${pct(knn.estimate.accuracy)}`}\n` +
        `evaluation: ${outDir}`,
    );
    return 0;
  } catch (error) {
    return reportCliError(error, io);
  }
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await runModelCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
  });
}
