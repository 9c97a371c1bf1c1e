// One base class for the package; subclasses say which boundary failed. Messages
// say what to do, and the original error is kept as `cause`.

export class EvalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Inputs of a metric or renderer do not fit together (lengths, shapes, ranges). */
export class EvalInputError extends EvalError {}

/** The stage's params file lacks the section asked for (a file that cannot be read or parsed, and params that do not match the schema, throw the shared ParamsError of @sgvae/contracts/params). */
export class EvalParamsError extends EvalError {}

/** A dataset or model folder written by another stage is missing or malformed. */
export class ArtifactError extends EvalError {}

/** The report checker found problems; `problems` lists every one of them. */
export class ReportCheckError extends EvalError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`the report failed ${problems.length} check(s):\n  - ${problems.join('\n  - ')}`, options);
    this.problems = problems;
  }
}
