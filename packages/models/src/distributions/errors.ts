// Errors of the distributions module: one base class, typed subclasses, and
// messages that say how to fix the call.

export class DistributionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A parameter has the wrong shape, dtype or range. */
export class InvalidDistributionArgumentError extends DistributionError {}

/** `klDivergence(p, q)` was called for a pair of types with no registered KL. */
export class UnregisteredKLError extends DistributionError {}

/** `registerKL(P, Q, fn)` was called twice for the same pair without `{ replace: true }`. */
export class DuplicateKLError extends DistributionError {}

/** Wood's rejection sampler accepted nothing for some rows after the maximum number of rounds. */
export class SamplerExhaustedError extends DistributionError {}
