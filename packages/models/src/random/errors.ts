// Typed errors of the device-side random numbers. Messages say what to change.

export class RandomError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A shape, rate, noise shape or seed is out of range. */
export class RandomArgumentError extends RandomError {}

/** The active backend is called `tensorflow` but does not expose the native op-execution entry point. */
export class NativeRandomUnavailableError extends RandomError {}
