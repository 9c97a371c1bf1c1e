// The JSON schema of a pipeline's params file (pipelines/params/*.yaml), put
// together from the stages' own params schemas (which stage reads which
// section: packages/contracts/src/params/params-file.ts; `train.judge` is the
// judge's, any other `train.<name>` a VAE's), and the check of a params file
// with the stages' validators.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean, ParamsError, type ParamsIssue, paramsFileJsonSchema, resolveProfiled, showValue, trainStageFor } from '@sgvae/contracts/params';
import { DATA_PARAMS_SCHEMA, parseDataParams } from '@sgvae/data/params';
import { EVAL_PARAMS_SCHEMA, parseEvalParams } from '@sgvae/eval/params';
import { JUDGE_SCHEMA, VAE_SCHEMA } from '@sgvae/train/params';
import { parse as parseYaml } from 'yaml';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where the schema is committed, relative to the repository root. */
export const SCHEMA_FILE = 'pipelines/params/params.schema.json';
export const PARAMS_DIR = 'pipelines/params';
/** The command that writes SCHEMA_FILE again. */
export const REGENERATE = 'npm run params:schema';

/** The schema as committed: 2-space JSON with a final newline. */
export function paramsSchemaText(): string {
  const schema = paramsFileJsonSchema({ data: DATA_PARAMS_SCHEMA, vae: VAE_SCHEMA, judge: JUDGE_SCHEMA, eval: EVAL_PARAMS_SCHEMA });
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** The params files of the pipelines, relative to the repository root. */
export function paramsFiles(root = REPO_ROOT): string[] {
  return readdirSync(join(root, PARAMS_DIR))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `${PARAMS_DIR}/${f}`);
}

/** The section -> resolved params of a whole params file, as each stage would resolve its section. */
export type ResolvedParamsFile = Record<string, unknown>;

/** Reads a params file (relative to `root`) and checks it with checkParams. */
export function checkParamsFile(file: string, root = REPO_ROOT): ResolvedParamsFile {
  return checkParams(parseYaml(readFileSync(join(root, file), 'utf8')) as unknown, file);
}

/**
 * Checks every section of a parsed params file with the validator of the
 * stage that reads it, and returns what each resolves to (`train.<name>` by
 * name). Throws a ParamsError listing every problem of every section, each
 * named by the file and its full path (`data.sets.test-rotated.rotation.kind`).
 */
export function checkParams(parsed: unknown, file: string): ResolvedParamsFile {
  const doc = parsed ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ParamsError({ field: '', problem: `must be a mapping of sections, got ${showValue(doc)}` }, { file });
  }
  const sections = doc as Record<string, unknown>;
  const issues: ParamsIssue[] = [];
  const out: ResolvedParamsFile = {};
  const attempt = (section: string, resolve: () => unknown): void => {
    try {
      out[section] = resolve();
    } catch (error) {
      if (!(error instanceof ParamsError)) throw error;
      for (const issue of error.issues) issues.push({ field: issue.field === '' ? section : `${section}.${issue.field}`, problem: issue.problem });
    }
  };
  for (const [section, value] of Object.entries(sections)) {
    if (section === 'data' || section === 'judge-data') attempt(section, () => parseDataParams(value));
    else if (section === 'eval') attempt(section, () => parseEvalParams(value));
    else if (section === 'train') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push({ field: 'train', problem: `must map model names to their params, got ${showValue(value)}` });
        continue;
      }
      for (const [key, params] of Object.entries(value)) {
        attempt(`train.${key}`, () => resolveProfiled(trainStageFor(key) === 'judge' ? JUDGE_SCHEMA : VAE_SCHEMA, params));
      }
    } else {
      const known = ['data', 'judge-data', 'train', 'eval'];
      issues.push({ field: section, problem: `is not a section of a params file${didYouMean(section, known)}; known: ${known.join(', ')}` });
    }
  }
  if (issues.length > 0) throw new ParamsError(issues, { file });
  return out;
}
