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
