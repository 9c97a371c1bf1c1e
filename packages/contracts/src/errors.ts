// Errors of the stage contracts. Every message names what was read and says
// what to do.

export class ContractError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A value handed to a stage from outside (environment, command line) that cannot be used. */
export class ContractInputError extends ContractError {}

/**
 * An artifact another stage wrote (a dataset, a model folder, a manifest) that
 * is missing or cannot be used. The message names the file or folder, what is
 * wrong with it and the command that writes it again.
 */
export class ArtifactError extends ContractError {
  /** The file or folder concerned. */
  readonly path: string;
  constructor(path: string, problem: string, fix: string, options?: ErrorOptions) {
    super(`${path}: ${problem}. ${fix}`, options);
    this.path = path;
  }
}

/** The artifact is not there, or its writer did not finish. */
export class ArtifactMissingError extends ArtifactError {}

/** The artifact is there but damaged, of another format, or inconsistent. */
export class ArtifactCorruptError extends ArtifactError {}
