// Errors of the export: each message says what is wrong and what to run.
export class ViewerExportError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Wrong command-line usage of the export CLI. */
export class CliUsageError extends ViewerExportError {}
