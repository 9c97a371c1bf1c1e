// One base class for every error this package throws, so callers can catch
// `TrainError` and still tell the cases apart by subclass. Messages say what
// happened, where, and what to do about it. Bad params are the exception: they
// throw the ParamsError every stage shares (@sgvae/contracts/params).
import { ParamsError } from '@sgvae/contracts/params';

export class TrainError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Params the schema accepts but the stage refuses (an architecture the models
 * reject, a seed set twice, a bad grid point): a ParamsError like the
 * schema's, with one problem; `field` is a dotted path such as `model.encoder.widths`.
 */
export class TrainParamsError extends ParamsError {
  constructor(field: string, problem: string, file?: string, options?: ErrorOptions) {
    super({ field, problem }, { file }, options);
  }
}

/** Which part of the loss went non-finite. */
export type LossTerm = 'reconstruction' | 'kl' | 'loss' | 'cross-entropy' | 'gradients';

/**
 * The loss (or one of its terms) became NaN or Inf. Training stops; the last
 * checkpoint written before this happened is left untouched.
 */
export class NonFiniteLossError extends TrainError {
  readonly epoch: number;
  readonly step: number;
  readonly terms: readonly LossTerm[];
  readonly values: Readonly<Record<string, number>>;
  readonly checkpoint: string | undefined;
  constructor(
    where: { epoch: number; step: number; terms: readonly LossTerm[]; values: Record<string, number> },
    checkpoint: string | undefined,
  ) {
    const shown = Object.entries(where.values)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    super(
      `non-finite ${where.terms.join(' and ')} at epoch ${where.epoch}, step ${where.step} (${shown}). ` +
        (checkpoint === undefined
          ? 'No checkpoint had been written yet. '
          : `The last good checkpoint is kept at ${checkpoint}. `) +
        'Lower the learning rate, add KL warm-up, or check the data; re-running resumes from that checkpoint.',
    );
    this.epoch = where.epoch;
    this.step = where.step;
    this.terms = where.terms;
    this.values = where.values;
    this.checkpoint = checkpoint;
  }
}

/** Training stopped on request (SIGINT/SIGTERM or an injected stop); a checkpoint was written. */
export class TrainingInterruptedError extends TrainError {
  readonly epoch: number;
  readonly step: number;
  readonly checkpoint: string;
  readonly reason: string;
  constructor(where: { epoch: number; step: number; reason: string }, checkpoint: string, resumeHint: string) {
    super(
      `training interrupted (${where.reason}) at epoch ${where.epoch}, step ${where.step}; ` +
        `checkpoint written to ${checkpoint}. ${resumeHint}`,
    );
    this.epoch = where.epoch;
    this.step = where.step;
    this.checkpoint = checkpoint;
    this.reason = where.reason;
  }
}

/** A checkpoint folder that cannot be used: damaged, from other params, or from another model. */
export class CheckpointError extends TrainError {
  readonly dir: string;
  constructor(dir: string, problem: string, fix: string, options?: ErrorOptions) {
    super(`${dir}: ${problem}. ${fix}`, options);
    this.dir = dir;
  }
}

/** A dataset the stage needs is missing or does not fit the model. */
export class TrainDataError extends TrainError {}

/** Wrong command-line usage of the training CLI. */
export class TrainCliUsageError extends TrainError {}
