// The one error of params validation, for every stage: it names the params
// file, the section of it (`data`, `train.sgvae`, `eval`) and the full path
// of each bad field, and says what is allowed there.
import { ContractInputError } from '../errors.ts';

/** One problem of a params object: the dotted path of the field in its section (`sets.a.rotation.kind`, `digits[1]`; '' for the whole section) and what is wrong. */
export interface ParamsIssue {
  readonly field: string;
  readonly problem: string;
}

/** Where params came from, for messages: the file and, for a file holding every stage's params, the section. */
export interface ParamsSource {
  readonly file?: string | undefined;
  readonly section?: string | undefined;
}

/** The path of a field as the reader of the params file sees it: section, then field. */
export function fieldPath(field: string, section?: string): string {
  if (section === undefined || section === '') return field;
  if (field === '') return section;
  return field.startsWith('[') ? `${section}${field}` : `${section}.${field}`;
}

function formatIssue(issue: ParamsIssue, section: string | undefined): string {
  const path = fieldPath(issue.field, section);
  return path === '' ? issue.problem : `\`${path}\` ${issue.problem}`;
}

/**
 * Params that do not match their schema (or a file that cannot be read as
 * params). Lists every problem found; `field` and `problem` are those of the
 * first one. A usage error: the CLIs exit with status 2.
 */
export class ParamsError extends ContractInputError {
  readonly issues: readonly ParamsIssue[];
  readonly file: string | undefined;
  readonly section: string | undefined;
  /** The first problem's field, relative to the section ('' for the whole section or file). */
  readonly field: string;
  /** The first problem. */
  readonly problem: string;

  constructor(issues: ParamsIssue | readonly ParamsIssue[], source: ParamsSource = {}, options?: ErrorOptions) {
    const list: readonly ParamsIssue[] = Array.isArray(issues) ? issues : [issues as ParamsIssue];
    if (list.length === 0) throw new RangeError('a ParamsError needs at least one issue');
    const head = source.file ?? 'params';
    const message =
      list.length === 1
        ? `${head}: ${formatIssue(list[0], source.section)}`
        : `${head}: ${list.length} problems:\n  - ${list.map((i) => formatIssue(i, source.section)).join('\n  - ')}`;
    super(message, options);
    this.issues = list;
    this.file = source.file;
    this.section = source.section;
    this.field = list[0].field;
    this.problem = list[0].problem;
  }
}
