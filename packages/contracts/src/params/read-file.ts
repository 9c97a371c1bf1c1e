// Reading a stage's params file: JSON (what the pipeline runner writes) or
// YAML (what people write by hand), chosen by the file's extension. Every
// stage's CLI reads its params with this, so a missing or broken file gives
// the same ParamsError everywhere: the file, the flag it came from, and what
// to do. Node only (it reads files): the browser-safe part of the params
// module is `@sgvae/contracts/params`; this is `@sgvae/contracts/params/read-file`.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ParamsError } from './errors.ts';

/** The format a params file is read as, by its extension (case-insensitive); null for any other extension. */
export function paramsFileFormat(file: string): 'json' | 'yaml' | null {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return null;
}

const READ_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

function toFlag(flag: string | undefined): string {
  return flag === undefined ? '' : ` to ${flag}`;
}

function refuseExtension(file: string, flag: string | undefined): ParamsError {
  const ext = extname(file);
  const has = ext === '' ? 'has no extension' : `has extension "${ext}"`;
  return new ParamsError({ field: '', problem: `${has}, so it is read as neither JSON nor YAML; pass a .json, .yaml or .yml file${toFlag(flag)}` }, { file });
}

function unreadable(file: string, flag: string | undefined, cause: unknown): ParamsError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === undefined ? String((cause as Error | undefined)?.message ?? cause) : READ_PROBLEMS[code] === undefined ? code : `${code}: ${READ_PROBLEMS[code]}`;
  return new ParamsError({ field: '', problem: `cannot be read (${reason}); pass an existing .json or .yaml file${toFlag(flag)}` }, { file }, { cause });
}

/** Line and column (1-based) of a character offset of `text`. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function syntaxError(file: string, flag: string | undefined, format: 'json' | 'yaml', text: string, cause: unknown): ParamsError {
  let reason = String((cause as Error | undefined)?.message ?? cause);
  let at: { line: number; column: number } | undefined;
  if (format === 'yaml' && cause instanceof YAMLParseError) {
    // The message ends with " at line L, column C:" and an excerpt; keep the reason, give the place once.
    reason = reason.split(/ at line \d+, column \d+/)[0].trim();
    const pos = cause.linePos?.[0];
    if (pos !== undefined) at = { line: pos.line, column: pos.col };
  } else if (format === 'json') {
    const position = /at position (\d+)/.exec(reason);
    if (position !== null) {
      at = lineColumn(text, Number(position[1]));
      reason = reason.replace(/ in JSON at position \d+.*$/, '').trim();
    } else if (/end of JSON input/.test(reason)) {
      at = lineColumn(text, text.length);
    }
  }
  const name = format === 'json' ? 'JSON' : 'YAML';
  const problem =
    at === undefined
      ? `is not valid ${name} (${reason}); fix its syntax, or pass another file${toFlag(flag)}`
      : `is not valid ${name} at line ${at.line}, column ${at.column} (${reason}); fix the syntax there, or pass another file${toFlag(flag)}`;
  return new ParamsError({ field: '', problem }, { file }, { cause });
}

/**
 * Parses the text of a params file, as JSON or YAML by the file's extension.
 * An empty YAML file (or one holding only comments) is `{}`: all defaults.
 * `file` names the file in errors; `flag`, when given, is the command-line
 * flag the file was passed with (`--params`).
 */
export function parseParamsText(text: string, file: string, flag?: string): unknown {
  const format = paramsFileFormat(file);
  if (format === null) throw refuseExtension(file, flag);
  try {
    if (format === 'json') return JSON.parse(text) as unknown;
    return (parseYaml(text) as unknown) ?? {};
  } catch (cause) {
    throw syntaxError(file, flag, format, text, cause);
  }
}

/**
 * Reads a params file (.json, .yaml or .yml) and returns what it holds, not
 * yet validated. Throws a ParamsError (a usage error: the CLIs exit 2) that
 * names the file and, when given, the flag it was passed with.
 */
export async function readParamsFile(file: string, flag?: string): Promise<unknown> {
  if (paramsFileFormat(file) === null) throw refuseExtension(file, flag);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw unreadable(file, flag, cause);
  }
  return parseParamsText(text, file, flag);
}

/** `readParamsFile`, reading synchronously. */
export function readParamsFileSync(file: string, flag?: string): unknown {
  if (paramsFileFormat(file) === null) throw refuseExtension(file, flag);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw unreadable(file, flag, cause);
  }
  return parseParamsText(text, file, flag);
}
