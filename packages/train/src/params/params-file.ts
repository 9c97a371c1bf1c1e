// Reading a stage's params file: JSON (what the pipeline runner writes) or
// YAML (what people write by hand), chosen by extension.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { TrainParamsError } from '../errors.ts';

export async function readParamsFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new TrainParamsError('(file)', `cannot be read (${(cause as Error).message}); pass an existing .json or .yaml file`, file, { cause });
  }
  try {
    return /\.ya?ml$/i.test(file) ? (parseYaml(text) as unknown) ?? {} : (JSON.parse(text) as unknown);
  } catch (cause) {
    throw new TrainParamsError('(file)', `is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(cause as Error).message}`, file, { cause });
  }
}

/** Canonical JSON (sorted keys) so equal params hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
