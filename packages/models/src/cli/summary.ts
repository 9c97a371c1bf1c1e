// Prints the layers, parameter counts and FLOPs per image of the networks.
//   npx tsx packages/models/src/cli/summary.ts --help
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { resolveBackendName, useBackend } from '../backend/index.ts';
import {
  PRESET_NAMES,
  buildDecoder,
  buildEncoder,
  buildJudge,
  countEncoderParams,
  formatSummary,
  resolveJudgeConfig,
  resolveVaeNetConfig,
  summarizeModel,
  type JudgeConfig,
  type PresetName,
} from '../nets/index.ts';

const MODELS = ['sgvae', 'svae', 'judge', 'all'] as const;
type ModelChoice = (typeof MODELS)[number];

const HELP = `Usage: npx tsx packages/models/src/cli/summary.ts [options]

Prints every layer of the chosen networks with its output shape, parameter
count and forward FLOPs per image, then the totals.

Options:
  --model <name>     sgvae | svae | judge | all (default all)
  --preset <name>    ${PRESET_NAMES.join(' | ')} (default default); the judge uses
                     the light ResNet for default and ResNet-50 for paper
  --config <file>    JSON or YAML file with a partial config merged over the
                     preset: a VaeNetConfig for sgvae/svae (e.g.
                     {"encoder": {"widths": [8, 16, 16], "N": 8}}), a
                     JudgeConfig for judge. Needs --model sgvae, svae or judge.
  --backend <name>   tensorflow | tensorflow-gpu | cpu (default: SGVAE_BACKEND
                     or tensorflow)
  -h, --help         show this help

FLOPs are 2 x multiply-adds of the forward pass of convolutions (including
the C_N convolutions on their expanded filters), transposed convolutions and
dense layers; normalisation, activations and pooling count 0. A training step
costs about 3x the forward FLOPs.`;

class UsageError extends Error {}

function readConfigFile(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  const ext = extname(file).toLowerCase();
  try {
    return ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
  } catch (cause) {
    throw new UsageError(`--config ${file}: not valid ${ext === '.yaml' || ext === '.yml' ? 'YAML' : 'JSON'} (${(cause as Error).message})`);
  }
}

function print(model: LayersModel): void {
  console.log(formatSummary(summarizeModel(model)));
  console.log('');
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', default: 'all' },
      preset: { type: 'string', default: 'default' },
      config: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const which = values.model as ModelChoice;
  if (!(MODELS as readonly string[]).includes(which)) throw new UsageError(`--model must be one of ${MODELS.join(', ')}, got ${which}`);
  const preset = values.preset as PresetName;
  if (!(PRESET_NAMES as readonly string[]).includes(preset)) throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}, got ${preset}`);
  if (values.config !== undefined && which === 'all') throw new UsageError('--config needs --model sgvae, svae or judge');
  const overrides = values.config === undefined ? {} : readConfigFile(values.config);

  await useBackend(resolveBackendName(values.backend, process.env).name, { purpose: 'bench' });

  for (const kind of ['gcnn', 'cnn'] as const) {
    if (which !== 'all' && which !== (kind === 'gcnn' ? 'sgvae' : 'svae')) continue;
    const cfg = resolveVaeNetConfig(overrides, { preset, kind });
    console.log(`== ${kind === 'gcnn' ? 'S-GVAE' : 'S-VAE'} (${preset} preset): encoder ${cfg.encoder.kind}, widths ${cfg.encoder.widths.join('/')}` +
      (cfg.encoder.kind === 'gcnn' ? `, C${cfg.encoder.N}` : '') + `, latent ${cfg.latent.family} m=${cfg.latent.dim}\n`);
    const encoder = buildEncoder(cfg);
    print(encoder);
    const decoder = buildDecoder(cfg);
    print(decoder);
    const enc = countEncoderParams(cfg).trainable;
    console.log(`total trainable parameters (encoder + decoder): ${(enc + summarizeModel(decoder).trainableParams).toLocaleString('en-US')}\n`);
    encoder.dispose();
    decoder.dispose();
  }
  if (which === 'all' || which === 'judge') {
    const judgeCfg = resolveJudgeConfig(overrides as Partial<JudgeConfig>, preset);
    console.log(`== judge (${preset} preset): ${judgeCfg.block} blocks ${judgeCfg.stages.map((s) => s.blocks).join('/')}\n`);
    const judge = buildJudge(judgeCfg);
    print(judge);
    judge.dispose();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as Error & { code?: string };
    const usage = e instanceof UsageError || e.name === 'NetConfigError' || (e.code ?? '').startsWith('ERR_PARSE_ARGS');
    console.error(`summary: ${e.message}`);
    console.error(usage ? 'Run with --help for usage.' : e.stack);
    process.exit(usage ? 2 : 1);
  },
);
