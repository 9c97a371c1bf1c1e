// A grid of training runs (a sweep): the combinations of a matrix stage, each
// a model name (an entry of the pipeline's `train` params) and values that
// replace params of that entry. `checkGrid` validates every point before any
// of them trains, so that one bad value stops the sweep at once and names the
// point and the field, instead of failing one stage after others have run.
import { closest, ParamsError } from '@sgvae/contracts/params';
import { TrainParamsError } from '../errors.ts';
import { VAE_SCHEMA } from './stage-params.ts';
import { resolveVaeParams, vaeNetConfigFor } from '../stage/vae-stage.ts';

/** One combination of a matrix stage, as the pipeline runner lists it (`${matrix.<stage>}`). */
export interface GridPointInput {
  stage: string;
  item: Record<string, string>;
}

/** A validated grid point: the model entry, the values it replaces, and what they resolve to. */
export interface GridPoint {
  stage: string;
  model: string;
  set: Record<string, number | boolean | string>;
  encoder: string;
  beta: number;
  latentDim: number;
  latent: string;
}

export interface Grid {
  version: 1;
  /** The matrix key that picks the entry of the `train` params. */
  modelKey: string;
  points: GridPoint[];
}

/** The error for a grid with bad points; lists every one of them. */
export class GridError extends TrainParamsError {
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(
      'matrix',
      `has ${problems.length} bad grid point${problems.length === 1 ? '' : 's'}; no point of the grid was trained. Fix the values (or the params the points start from) and run again:\n  - ${problems.join('\n  - ')}`,
      file,
    );
    this.problems = problems;
  }
}

/**
 * A value given on the command line or in a matrix, typed the way YAML would
 * type it: numbers, true/false, otherwise the string itself.
 */
export function parseSetValue(text: string): number | boolean | string {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
  return text;
}

/**
 * Parses `key=value` overrides of a stage's params; the keys must be params of
 * the VAE stage (a typo gets the closest one).
 */
export function parseSetOverrides(pairs: readonly string[], where: string): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  const known = Object.keys(VAE_SCHEMA);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new TrainParamsError(where, `expects key=value, got "${pair}" (e.g. --set beta=0.1)`);
    const key = pair.slice(0, eq);
    if (!known.includes(key)) {
      const hint = closest(key, known);
      throw new TrainParamsError(key, `(in ${where} ${pair}) is not a param of the VAE stage${hint === undefined ? '' : ` (did you mean \`${hint}\`?)`}`);
    }
    if (key in out) throw new TrainParamsError(key, `is set twice in ${where}`);
    out[key] = parseSetValue(pair.slice(eq + 1));
  }
  return out;
}

const describeItem = (item: Record<string, string>): string =>
  Object.entries(item)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/**
 * Validates every point of a grid against the VAE stage's params and
 * architecture. `train` is the pipeline's `train` params section (model name
 * -> params); `modelKey` is the matrix key naming the entry; every other key
 * of a point replaces the param of that name. Throws a GridError that lists
 * every bad point, or returns the grid with each point resolved.
 */
export function checkGrid(train: unknown, points: readonly GridPointInput[], modelKey: string, file: string): Grid {
  if (typeof train !== 'object' || train === null || Array.isArray(train)) {
    throw new TrainParamsError('train', 'must map model names to their params', file);
  }
  const entries = train as Record<string, unknown>;
  if (points.length === 0) throw new TrainParamsError('grid', 'has no points; give the sweep stage a `matrix`', file);
  const problems: string[] = [];
  const resolved: GridPoint[] = [];
  points.forEach((p, i) => {
    const ok = typeof p === 'object' && p !== null && typeof p.stage === 'string' && typeof p.item === 'object' && p.item !== null;
    if (!ok) throw new TrainParamsError(`[${i}]`, 'is not a {stage, item} record; pass the file the pipeline runner writes for ${matrix.<stage>}', file);
  });
  const seen = new Map<string, string>();
  for (const point of points) {
    const at = `\`${point.stage}\` (${describeItem(point.item)})`;
    const model = point.item[modelKey];
    if (model === undefined) {
      problems.push(`${at}: the matrix has no \`${modelKey}\` key to name the model`);
      continue;
    }
    if (!Object.hasOwn(entries, model)) {
      const hint = closest(model, Object.keys(entries));
      problems.push(
        `${at}: \`${modelKey}\` ${model} is not a model of the params' \`train\` section${hint === undefined ? '' : ` (did you mean \`${hint}\`?)`}; known: ${Object.keys(entries).join(', ')}`,
      );
      continue;
    }
    try {
      const set = parseSetOverrides(
        Object.entries(point.item)
          .filter(([k]) => k !== modelKey)
          .map(([k, v]) => `${k}=${v}`),
        `matrix of ${point.stage}`,
      );
      const base = entries[model];
      const raw = { ...(typeof base === 'object' && base !== null ? (base as Record<string, unknown>) : {}), ...set };
      const params = resolveVaeParams(raw);
      const config = vaeNetConfigFor(params);
      // Two spellings of one point are refused by the pipeline loader; two
      // points that resolve to the same run (a value equal to the model's own) are caught here.
      const key = JSON.stringify({ model, params });
      const twin = seen.get(key);
      if (twin !== undefined) {
        problems.push(`${at}: trains the same model with the same params as \`${twin}\` (a duplicate grid point); remove one of them`);
        continue;
      }
      seen.set(key, point.stage);
      resolved.push({
        stage: point.stage,
        model,
        set,
        encoder: config.encoder.kind,
        beta: params.beta,
        latentDim: params.latentDim,
        latent: params.latent,
      });
    } catch (error) {
      if (!(error instanceof ParamsError)) throw error;
      // Name each field where the user would fix it: the matrix, or the model's params.
      for (const issue of error.issues) {
        const field = Object.hasOwn(point.item, issue.field) ? `matrix.${issue.field}` : `train.${model}.${issue.field}`;
        problems.push(`${at}: \`${field}\` ${issue.problem}`);
      }
    }
  }
  if (problems.length > 0) throw new GridError(file, problems);
  return { version: 1, modelKey, points: resolved };
}
