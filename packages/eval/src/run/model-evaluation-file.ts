// One model's evaluation as a folder, so that each VAE is evaluated in its
// own process (the pipeline's `evaluate-model` stage, one per model) and the
// report stage merges them:
//   <dir>/model-evaluation.json   format sgvae-model-evaluation/1
// The file holds the model's numbers and figure samples (typed arrays as
// base64 of their little-endian bytes, non-finite numbers spelled out, so the
// round trip is exact) and the inputs it was made from: the eval params, a
// digest of each dataset's manifest and of the judge's manifest. The merge
// refuses an evaluation made from other inputs than its own.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256, writeFolderAtomically } from '@sgvae/contracts';
import { canonicalJson } from '@sgvae/train';
import { ArtifactError, EvalInputError } from '../errors.ts';
import type { ModelEvaluation } from '../evaluate.ts';
import type { EvalParams } from '../params.ts';

export const MODEL_EVALUATION_FORMAT = 'sgvae-model-evaluation/1';
export const MODEL_EVALUATION_FILE = 'model-evaluation.json';

/** What an evaluation was computed from; two evaluations merge only when these are equal. */
export interface EvaluationInputsRecord {
  /** The eval params, whole. */
  params: EvalParams;
  /** sha256 of each dataset's manifest.json (which holds the sha256 of its files), by set name. */
  datasets: Record<string, string>;
  /** sha256 of the judge's manifest.json. */
  judge: string;
}

export interface ModelEvaluationRecord {
  format: typeof MODEL_EVALUATION_FORMAT;
  inputs: EvaluationInputsRecord;
  /** The model folder, as given to the evaluation. */
  modelDir: string;
  /** Backend and machine facts of the process that evaluated the model. */
  backend: string;
  numerics?: string;
  evaluation: ModelEvaluation;
}

/** The dataset sets the eval params name (null entries left out). */
function setNames(params: EvalParams): string[] {
  const d = params.datasets;
  return [d.upright, d.rotated, d.grid, d.sixNine, d.reference].filter((n): n is string => n !== null);
}

function sha256File(path: string, what: string): string {
  if (!existsSync(path)) throw new ArtifactError(`${what}: ${path} does not exist; run the stage that writes it first`);
  return sha256(readFileSync(path));
}

/** The inputs record of an evaluation of `dataDir`'s sets with the judge in `judgeDir`. */
export function evaluationInputsRecord(params: EvalParams, dataDir: string, judgeDir: string): EvaluationInputsRecord {
  const datasets: Record<string, string> = {};
  for (const name of setNames(params)) datasets[name] = sha256File(join(dataDir, name, 'manifest.json'), `dataset ${name}`);
  return { params, datasets, judge: sha256File(join(judgeDir, 'manifest.json'), 'the judge') };
}

/**
 * Throws when `got` (an evaluation folder's inputs) differs from `expected`
 * (the merging stage's), naming the first difference and what to re-run.
 */
export function checkEvaluationInputs(expected: EvaluationInputsRecord, got: EvaluationInputsRecord, file: string): void {
  const redo = 'evaluate the model again with the same --params, --data and --judge as the report (the pipeline\'s evaluate-model stage does)';
  if (canonicalJson(expected.params) !== canonicalJson(got.params)) {
    const path = firstDifference(expected.params, got.params, 'params');
    throw new EvalInputError(`${file} was made with other eval params than this report (first difference at \`${path}\`); ${redo}`);
  }
  for (const name of new Set([...Object.keys(expected.datasets), ...Object.keys(got.datasets)])) {
    if (expected.datasets[name] !== got.datasets[name]) {
      throw new EvalInputError(`${file} was made from another dataset \`${name}\` than this report's (its manifest differs); ${redo}`);
    }
  }
  if (expected.judge !== got.judge) throw new EvalInputError(`${file} was scored by another judge than this report's (its manifest differs); ${redo}`);
}

/** Writes `<dir>/model-evaluation.json`, replacing the folder whole. */
export function writeModelEvaluation(dir: string, record: Omit<ModelEvaluationRecord, 'format'>): void {
  const text = JSON.stringify({ format: MODEL_EVALUATION_FORMAT, ...record }, encodeValue) + '\n';
  writeFolderAtomically(dir, (tmp) => writeFileSync(join(tmp, MODEL_EVALUATION_FILE), text, 'utf8'));
}

/** Reads a folder written by writeModelEvaluation; errors name the file and what to do. */
export function readModelEvaluation(dir: string): ModelEvaluationRecord {
  const file = join(dir, MODEL_EVALUATION_FILE);
  if (!existsSync(file)) {
    throw new ArtifactError(`${file} does not exist: ${dir} is not a model evaluation folder; write one with packages/eval/src/model-cli.ts (the pipeline's evaluate-model stage)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'), decodeValue);
  } catch (cause) {
    throw new ArtifactError(`${file} is not valid JSON (${(cause as Error).message}); evaluate the model again`, { cause });
  }
  const r = raw as Partial<ModelEvaluationRecord> | null;
  if (r === null || typeof r !== 'object' || r.format !== MODEL_EVALUATION_FORMAT) {
    const format = r && typeof r === 'object' ? JSON.stringify(r.format) : 'none';
    throw new ArtifactError(`${file} has format ${format}, expected "${MODEL_EVALUATION_FORMAT}"; evaluate the model again with this code`);
  }
  const e = r.evaluation as Partial<ModelEvaluation> | undefined;
  const missing = [
    ['inputs', r.inputs?.params && r.inputs.datasets && typeof r.inputs.judge === 'string'],
    ['modelDir', typeof r.modelDir === 'string'],
    ['backend', typeof r.backend === 'string'],
    ['evaluation.model', typeof e?.model?.name === 'string'],
    ['evaluation.table1', Array.isArray(e?.table1)],
    ['evaluation.confusion', Array.isArray(e?.confusion?.rows)],
    ['evaluation.neighbours', Array.isArray(e?.neighbours)],
    ['evaluation.knn', Array.isArray(e?.knn)],
    ['evaluation.invariance', Array.isArray(e?.invariance?.cosine?.mean)],
    ['evaluation.pose', typeof e?.pose?.meanAbsoluteError === 'number'],
    ['evaluation.samples', e?.samples?.rotatedDigits instanceof Float32Array && e.samples.latent?.upright?.mu instanceof Float32Array],
    ['evaluation.timings', Array.isArray(e?.timings)],
  ].filter(([, ok]) => !ok);
  if (missing.length > 0) {
    throw new ArtifactError(`${file} lacks or has a malformed ${missing.map(([k]) => `\`${k}\``).join(', ')}; evaluate the model again`);
  }
  return r as ModelEvaluationRecord;
}

// Typed arrays and non-finite numbers survive JSON as tagged objects.
const TAGS = { f32: Float32Array, f64: Float64Array, u8: Uint8Array, i32: Int32Array } as const;
type Tag = keyof typeof TAGS;

function encodeValue(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  if (ArrayBuffer.isView(value)) {
    const tag = (Object.keys(TAGS) as Tag[]).find((t) => value instanceof TAGS[t]);
    if (tag === undefined) throw new EvalInputError(`cannot store a ${value.constructor.name} in a model evaluation`);
    return { [`$${tag}`]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  return value;
}

function decodeValue(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !keys[0].startsWith('$')) return value;
  const v = (value as Record<string, unknown>)[keys[0]];
  if (keys[0] === '$number' && typeof v === 'string') return Number(v);
  const tag = keys[0].slice(1) as Tag;
  if (!(tag in TAGS) || typeof v !== 'string') return value;
  const bytes = Buffer.from(v, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new TAGS[tag](copy.buffer);
}

/** The path of the first value in which two unequal JSON values differ (key order aside). */
function firstDifference(a: unknown, b: unknown, path: string): string {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = (a as Record<string, unknown>)[k];
      const y = (b as Record<string, unknown>)[k];
      if (canonicalJson(x) !== canonicalJson(y)) return firstDifference(x, y, Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
    }
  }
  return path;
}
