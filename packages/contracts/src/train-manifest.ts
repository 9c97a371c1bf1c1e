// The training stages' manifest: `<out>/manifest.json` of a model folder,
// written last by the train stage and read by the evaluation.
//
//   <out>/manifest.json        TrainManifest (format 1)
//   <out>/<role>/model.json    TensorFlow.js layers format, one folder per role:
//   <out>/<role>/weights.bin   a VAE has `encoder` and `decoder`, a judge has `judge`
//
// The types name the fields other stages rely on; `config` and `params` hold
// more (the whole model config and the stage's params after defaults), which
// are written as given and kept when read. The reader checks every typed
// field and ignores fields it does not know, so manifests of earlier commits
// (which, e.g., lack `augmentTarget` or `numerics`) still read.
import { join } from 'node:path';
import { writeFileSynced } from './atomic-write.ts';
import { MANIFEST_FILE, manifestJson } from './dataset-manifest.ts';
import { type JsonObject, JsonFieldError, JsonFields, readJsonFile } from './json-fields.ts';
import { checkNumericsProvenance, type NumericsProvenance } from './numerics-provenance.ts';

export const TRAIN_MANIFEST_FORMAT = 1;

/** One epoch's metrics by name (a JSON null is a metric that was not finite). */
export type MetricsRecord = Readonly<Record<string, number | null>>;

/** A dataset a model was trained or scored on. */
export interface TrainDataSet {
  /** sha256 of the set's manifest.json (pins every byte of the set). */
  readonly manifestSha256: string;
  /** Images used from it. */
  readonly images: number;
}

/** `data`: the datasets folder, each set used (by its name in the folder), and the augmentation. */
export type TrainDataRecord = { readonly dir: string; readonly augmentation: string } & { readonly [set: string]: TrainDataSet | string };

/** The parts of a VAE's model config that other stages read. */
export interface VaeConfigRecord {
  /**
   * Version of the model config's layout (@sgvae/models' VAE_NET_CONFIG_VERSION); absent in
   * configs written before versions existed (version 0). Readers migrate with migrateVaeNetConfig.
   */
  readonly configVersion?: number;
  readonly imageSize: number;
  readonly latent: { readonly family: string; readonly dim: number };
  /** `gcnn` (C_N G-CNN), `so2` (SO(2)-steerable) or `cnn` (plain). */
  readonly encoder: { readonly kind: string };
  readonly seed?: number | null;
}

/** The parts of a VAE stage's params that other stages read. */
export interface VaeParamsRecord {
  readonly seed: number;
  /** KL weight. */
  readonly beta: number;
  /** Training images were turned by random angles. */
  readonly augmentRotation: boolean;
  /** With augmentRotation: reconstruct the digit before the turn (`upright`) or the turned one; absent in manifests written before it existed, which trained on `rotated`. */
  readonly augmentTarget?: 'upright' | 'rotated';
}

export interface JudgeConfigRecord {
  readonly imageSize: number;
  readonly seed?: number | null;
}

export interface JudgeParamsRecord {
  readonly seed: number;
}

/** Which code, backend and machine trained the models. */
export interface TrainProvenance {
  /** Commit (+dirty) of the code that trained the models, `unknown` outside git. */
  readonly codeVersion: string;
  /** Digest of the code that ran (the checkpoint resume guard), when known. */
  readonly codeFingerprint?: string;
  readonly backend: string;
  /** CPU, its kernel-selecting flags, oneDNN and thread settings: what moves the numbers between machines. */
  readonly numerics?: NumericsProvenance;
}

interface TrainManifestBase extends TrainProvenance {
  readonly format: typeof TRAIN_MANIFEST_FORMAT;
  /** Model folder per role, relative to the output folder: `{encoder: 'encoder/model.json', ...}`. */
  readonly models: Readonly<Record<string, string>>;
  /** 1-based epoch of the saved weights (lowest validation loss) and the epochs trained. */
  readonly epoch: number;
  readonly epochs: number;
  /** Metrics of the saved epoch, and of the last epoch. */
  readonly metrics: MetricsRecord;
  readonly finalMetrics: MetricsRecord;
  /** Where the data came from. */
  readonly data: TrainDataRecord;
}

export interface VaeTrainManifest extends TrainManifestBase {
  readonly kind: 'vae';
  readonly config: VaeConfigRecord;
  readonly params: VaeParamsRecord;
}

export interface JudgeTrainManifest extends TrainManifestBase {
  readonly kind: 'judge';
  readonly config: JudgeConfigRecord;
  readonly params: JudgeParamsRecord;
  /** Scores of the saved weights on the test set. */
  readonly test: { readonly loss: number; readonly accuracy: number; readonly images: number };
}

export type TrainManifest = VaeTrainManifest | JudgeTrainManifest;

/**
 * A manifest as read back. Provenance is shown, not relied on: a damaged
 * `numerics` record does not stop a reader; it is left out and described here.
 */
export type LoadedTrainManifest = TrainManifest & {
  /** Why the manifest's `numerics` record could not be read (set only by the reader, never written). */
  readonly numericsProblem?: string;
};

/** The model roles of each kind of training output. */
export const TRAIN_MODEL_ROLES = { vae: ['encoder', 'decoder'], judge: ['judge'] } as const;

/** What to run to write a model folder again. */
export function trainFix(dir: string): string {
  return (
    `Train it first: run the pipeline stage that writes ${dir} (\`npx nx run <profile>--train-vae--<variant>:run\` or ` +
    '`<profile>--train-judge:run`), or `npx tsx packages/train/src/cli.ts vae|judge --params <file> --data <datasets> --out <dir>`; ' +
    `the train stage writes ${join(dir, MANIFEST_FILE)} last, so its absence means the run did not finish.`
  );
}

/** The bytes the manifest is written as. */
export function trainManifestJson(manifest: TrainManifest): Uint8Array {
  return manifestJson(manifest);
}

/** Writes `<dir>/manifest.json` (fsynced; `dir` is an output folder being written atomically, and the manifest is its last file). */
export function writeTrainManifest(dir: string, manifest: TrainManifest): void {
  writeFileSynced(join(dir, MANIFEST_FILE), trainManifestJson(manifest));
}

function checkData(f: JsonFields, value: unknown): void {
  const data = f.object(value, 'data');
  f.string(data.dir, 'data.dir');
  f.string(data.augmentation, 'data.augmentation');
  for (const [name, set] of Object.entries(data)) {
    if (name === 'dir' || name === 'augmentation') continue;
    const s = f.object(set, `data.${name}`);
    f.string(s.manifestSha256, `data.${name}.manifestSha256`);
    f.integer(s.images, `data.${name}.images`, 0);
  }
}

function checkSeed(f: JsonFields, config: JsonObject): void {
  if (config.seed !== undefined && config.seed !== null) f.integer(config.seed, 'config.seed');
}

/** Checks a parsed manifest field by field (`dir` is the model folder, named in errors). */
export function checkTrainManifest(raw: unknown, dir: string): LoadedTrainManifest {
  const f = new JsonFields(join(dir, MANIFEST_FILE), trainFix(dir));
  const m = f.object(raw, '');
  if (m.format !== TRAIN_MANIFEST_FORMAT) {
    f.fail('format', `is ${JSON.stringify(m.format)}: not a train-stage manifest of format ${TRAIN_MANIFEST_FORMAT}`);
  }
  const kind = f.oneOf(m.kind, 'kind', ['vae', 'judge'] as const);
  const models = f.strings(m.models, 'models');
  for (const role of TRAIN_MODEL_ROLES[kind]) {
    if (models[role] === undefined) f.fail(`models.${role}`, `is missing: a ${kind} output has the models ${TRAIN_MODEL_ROLES[kind].join(' and ')}`);
  }
  const config = f.object(m.config, 'config');
  f.integer(config.imageSize, 'config.imageSize', 1);
  checkSeed(f, config);
  const params = f.object(m.params, 'params');
  f.integer(params.seed, 'params.seed');
  if (kind === 'vae') {
    const latent = f.object(config.latent, 'config.latent');
    f.string(latent.family, 'config.latent.family');
    f.integer(latent.dim, 'config.latent.dim', 1);
    f.string(f.object(config.encoder, 'config.encoder').kind, 'config.encoder.kind');
    f.number(params.beta, 'params.beta');
    f.boolean(params.augmentRotation, 'params.augmentRotation');
    if (params.augmentTarget !== undefined) f.oneOf(params.augmentTarget, 'params.augmentTarget', ['upright', 'rotated'] as const);
  } else {
    const test = f.object(m.test, 'test');
    f.number(test.loss, 'test.loss');
    f.number(test.accuracy, 'test.accuracy');
    f.integer(test.images, 'test.images', 0);
  }
  f.integer(m.epoch, 'epoch', 1);
  f.integer(m.epochs, 'epochs', 1);
  f.numbers(m.metrics, 'metrics');
  f.numbers(m.finalMetrics, 'finalMetrics');
  checkData(f, m.data);
  f.string(m.codeVersion, 'codeVersion');
  if (m.codeFingerprint !== undefined) f.string(m.codeFingerprint, 'codeFingerprint');
  f.string(m.backend, 'backend');
  if (m.numerics === undefined) return m as unknown as TrainManifest;
  try {
    checkNumericsProvenance(f, m.numerics, 'numerics');
    return m as unknown as TrainManifest;
  } catch (error) {
    if (!(error instanceof JsonFieldError)) throw error;
    const { numerics: _damaged, ...rest } = m;
    return { ...(rest as unknown as TrainManifest), numericsProblem: `\`${error.field}\` ${error.problem}` };
  }
}

/** Reads and checks `<dir>/manifest.json` of a training output. */
export function readTrainManifest(dir: string): LoadedTrainManifest {
  const raw = readJsonFile(join(dir, MANIFEST_FILE), trainFix(dir), 'is missing, so the folder holds no finished training run');
  return checkTrainManifest(raw, dir);
}

/** The facts a training stage knows about how it runs, as the stage CLI found them out. */
export interface TrainProvenanceFacts {
  readonly codeVersion?: string;
  readonly codeFingerprint?: string;
  readonly backend?: string;
  readonly numerics?: NumericsProvenance;
}

/** The manifest's provenance fields: `unknown` for a code version or backend not given; fingerprint and numerics only when known. */
export function trainProvenance(facts: TrainProvenanceFacts): TrainProvenance {
  return {
    codeVersion: facts.codeVersion ?? 'unknown',
    ...(facts.codeFingerprint === undefined ? {} : { codeFingerprint: facts.codeFingerprint }),
    backend: facts.backend ?? 'unknown',
    ...(facts.numerics === undefined ? {} : { numerics: facts.numerics }),
  };
}
