// Exponential learning-rate decay applied once per epoch, as
// torch.optim.lr_scheduler.ExponentialLR stepped at the end of each epoch:
// epoch e (0-based) trains with lr0 * gamma^e.

export interface LrScheduleOptions {
  initial: number;
  /** Multiplicative decay per epoch; 1 keeps the rate constant. */
  gamma: number;
  /** Floor under the decayed rate; 0 by default. */
  min?: number;
}

/** Learning rate for a 0-based epoch. */
export function learningRateAt(epoch: number, options: LrScheduleOptions): number {
  if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`);
  return Math.max(options.min ?? 0, options.initial * options.gamma ** epoch);
}

/**
 * KL weight multiplier for a 0-based epoch under linear warm-up over
 * `warmupEpochs` epochs: 1/W, 2/W, ..., 1. Zero warm-up epochs give 1.
 */
export function klWarmupFactor(epoch: number, warmupEpochs: number): number {
  if (warmupEpochs <= 0) return 1;
  return Math.min(1, (epoch + 1) / warmupEpochs);
}
