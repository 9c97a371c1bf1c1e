// Command line of the export-viewer stage:
//   npx tsx packages/viewer/src/cli.ts --data <datasets> --models sgvae=<dir> svae=<dir> ... \
//     --pipeline <name> --out <viewer dir> [--eval-params <eval.json>] [--digits 300]
// Writes the static site of the model viewer (see src/format.ts); exits 2 on
// bad usage, 1 on any other failure, with a message that says what to run.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatCodeVersion, resolveCodeVersion } from '@sgvae/contracts';
import { readParamsFile } from '@sgvae/contracts/params/read-file';
import { isMainModule } from '@sgvae/data';
import { DEFAULT_EVAL_PARAMS, parseEvalParams, reportCliError } from '@sgvae/eval';
import { resolveBackendName, useBackend } from '@sgvae/models/backend';
import { exportViewer, type ModelSpec } from './export/export-viewer.ts';
import { CliUsageError, ViewerExportError } from './export/errors.ts';
import { rebuildCommand } from './format.ts';

export const USAGE = `Usage: npx tsx packages/viewer/src/cli.ts --data <datasets dir> --models <name>=<dir> [<name>=<dir> ...]
         --out <dir> [--pipeline <name>] [--eval-params <file>] [--digits <n>] [--backend <name>]

Exports the trained VAEs and a few hundred test digits as a static web page in <out>:
  index.html, main.js, style.css    the page (open it through a web server: npm run view)
  viewer-manifest.json              models, latent dimensions, code version, reference outputs
  digits.bin, latents/, models/     test digits, their mu per model, the models (tfjs layers format)
  reference.f32                     tfjs-node reconstructions of the reference cases
<out> is replaced only when the new export is complete.

Options:
  --data <dir>            Datasets folder of the data stage (the eval params' upright set, "test").
  --models <name>=<dir>   A VAE training output; repeat the flag or list several after it.
  --out <dir>             Output folder. Required.
  --pipeline <name>       The pipeline it belongs to (default "pipeline"); the page names
                          \`${rebuildCommand('<name>')}\` when something is wrong.
  --eval-params <file>    JSON or YAML eval params (the upright set's name, the pose search); default: eval's defaults.
  --digits <n>            Test digits to export, about n/10 per class (default 300).
  --backend <name>        tensorflow (default) or tensorflow-gpu; also SGVAE_BACKEND.
  -h, --help              Show this text.`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

function parseModelSpec(text: string): ModelSpec {
  const m = /^([a-z0-9][a-z0-9_-]*)=(.+)$/.exec(text);
  if (!m) throw new CliUsageError(`"${text}" is not <name>=<dir> with a lower-case name; e.g. --models sgvae=artifacts/pipeline/models/sgvae`);
  return { name: m[1]!, dir: m[2]! };
}

async function readEvalParams(path: string | undefined, cwd: string) {
  if (path === undefined) return DEFAULT_EVAL_PARAMS;
  return parseEvalParams(await readParamsFile(resolve(cwd, path), '--eval-params'), path);
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...argv],
        options: {
          data: { type: 'string' },
          models: { type: 'string', multiple: true },
          out: { type: 'string' },
          pipeline: { type: 'string' },
          'eval-params': { type: 'string' },
          digits: { type: 'string' },
          backend: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
        allowPositionals: true,
      });
    } catch (cause) {
      throw new CliUsageError(`${(cause as Error).message}\n\n${USAGE}`, { cause });
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    for (const flag of ['data', 'out'] as const) if (!values[flag]) throw new CliUsageError(`--${flag} is required\n\n${USAGE}`);
    const models = [...(values.models ?? []), ...positionals].map(parseModelSpec);
    if (models.length === 0) throw new CliUsageError(`no model to export: pass --models <name>=<dir>\n\n${USAGE}`);
    const digits = values.digits === undefined ? undefined : Number(values.digits);
    if (digits !== undefined && !(Number.isInteger(digits) && digits > 0)) throw new CliUsageError(`--digits must be a positive integer, got "${values.digits}"`);
    const evalParams = await readEvalParams(values['eval-params'], io.cwd);
    const choice = resolveBackendName(values.backend, io.env);
    await useBackend(choice.name, { purpose: 'eval' });
    const start = performance.now();
    const manifest = await exportViewer({
      dataDir: resolve(io.cwd, values.data!),
      models: models.map((m) => ({ name: m.name, dir: resolve(io.cwd, m.dir) })),
      outDir: resolve(io.cwd, values.out!),
      pipeline: values.pipeline ?? 'pipeline',
      codeVersion: formatCodeVersion(resolveCodeVersion(io.env, io.cwd)),
      evalParams,
      ...(digits === undefined ? {} : { digits }),
      log: (line) => io.err(`[viewer ${((performance.now() - start) / 1000).toFixed(1)} s] ${line}`),
    });
    io.out(
      `viewer: ${values.out} (${manifest.models.map((m) => `${m.name} d=${m.latentDim}`).join(', ')}; ${manifest.digits.count} digits). ` +
        `Serve it with \`npm run view${manifest.pipeline === 'pipeline' ? '' : ` -- --pipeline ${manifest.pipeline}`}\`.`,
    );
    return 0;
  } catch (error) {
    return reportCliError(error, io, { usage: [CliUsageError], failure: [ViewerExportError] });
  }
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
  });
}
