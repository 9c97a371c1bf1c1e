// Checks of JSON read back from an artifact, field by field. Each failure
// names the file, the dotted path of the field and what was expected, and
// ends with the command that writes the artifact again.
import { readFileSync } from 'node:fs';
import { ArtifactCorruptError, ArtifactMissingError } from './errors.ts';

export type JsonObject = Readonly<Record<string, unknown>>;

/** A field of a JSON artifact that does not hold what its type says. */
export class JsonFieldError extends ArtifactCorruptError {
  /** Dotted path of the field (empty for the whole document). */
  readonly field: string;
  /** What is wrong with it, e.g. `is missing, expected a string`. */
  readonly problem: string;
  constructor(file: string, field: string, problem: string, fix: string) {
    super(file, field === '' ? problem : `\`${field}\` ${problem}`, fix);
    this.field = field;
    this.problem = problem;
  }
}

/** Parses a JSON file, or throws ArtifactMissingError / ArtifactCorruptError naming it. */
export function readJsonFile(file: string, fix: string, missing: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ArtifactMissingError(file, missing, fix, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ArtifactCorruptError(file, 'is not valid JSON', fix, { cause });
  }
}

export class JsonFields {
  constructor(
    /** The file the value was read from (named in every error). */
    readonly file: string,
    /** What to run to write it again. */
    readonly fix: string,
  ) {}

  fail(field: string, problem: string): never {
    throw new JsonFieldError(this.file, field, problem, this.fix);
  }

  private describe(value: unknown): string {
    if (value === undefined) return 'is missing';
    const text = JSON.stringify(value);
    return `is ${text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
  }

  object(value: unknown, field: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, `${this.describe(value)}, expected an object`);
    return value as JsonObject;
  }

  array(value: unknown, field: string): readonly unknown[] {
    if (!Array.isArray(value)) this.fail(field, `${this.describe(value)}, expected an array`);
    return value;
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string') this.fail(field, `${this.describe(value)}, expected a string`);
    return value;
  }

  boolean(value: unknown, field: string): boolean {
    if (typeof value !== 'boolean') this.fail(field, `${this.describe(value)}, expected true or false`);
    return value;
  }

  /** A finite number. */
  number(value: unknown, field: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(field, `${this.describe(value)}, expected a number`);
    return value;
  }

  integer(value: unknown, field: string, min = -Infinity): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      this.fail(field, `${this.describe(value)}, expected an integer${min === -Infinity ? '' : ` >= ${min}`}`);
    }
    return value;
  }

  oneOf<T extends string | number>(value: unknown, field: string, options: readonly T[]): T {
    if (!options.includes(value as T)) this.fail(field, `${this.describe(value)}, expected ${options.map((o) => JSON.stringify(o)).join(' or ')}`);
    return value as T;
  }

  /** An object whose values are all numbers (a JSON null, the encoding of NaN, is kept as null). */
  numbers(value: unknown, field: string): Readonly<Record<string, number | null>> {
    const o = this.object(value, field);
    for (const [k, v] of Object.entries(o)) if (v !== null) this.number(v, `${field}.${k}`);
    return o as Readonly<Record<string, number | null>>;
  }

  /** An object whose values are all strings. */
  strings(value: unknown, field: string): Readonly<Record<string, string>> {
    const o = this.object(value, field);
    for (const [k, v] of Object.entries(o)) this.string(v, `${field}.${k}`);
    return o as Readonly<Record<string, string>>;
  }
}
