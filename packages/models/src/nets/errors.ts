// Typed errors of the network builders. Messages name the config field and
// say what to change.

export class NetError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A network config value is missing, of the wrong type or out of range. */
export class NetConfigError extends NetError {
  /** Dotted path of the offending field, e.g. `encoder.widths[1]`. */
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super(`${path}: ${message}`, options);
    this.path = path;
  }
}

/** Saving or loading a model failed (missing file handler, unreadable directory). */
export class ModelIoError extends NetError {}
