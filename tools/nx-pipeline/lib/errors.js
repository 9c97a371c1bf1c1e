// @ts-check
'use strict';

/**
 * Where a problem sits: the pipeline (or params) file, a 1-based line when
 * known, and the stage it concerns.
 * @typedef {object} ErrorLocation
 * @property {string} [file] workspace-relative path of the file at fault
 * @property {number} [line] 1-based line in that file
 * @property {string} [profile] profile of the pipeline file (a file with `profiles:`)
 * @property {string} [stage] stage name (after matrix expansion)
 * @property {unknown} [cause]
 */

/**
 * Base class of every error the pipeline plugin and runner raise. The message
 * always reads `<file>:<line>: [profile \`<profile>\`, ]stage \`<stage>\` <problem>; <fix>`
 * so that Nx, which prints only messages when graph construction fails, shows
 * where the problem is and what to do.
 */
class PipelineError extends Error {
  /**
   * @param {string} problem what is wrong
   * @param {string} fix what to do about it
   * @param {ErrorLocation} [where]
   */
  constructor(problem, fix, where = {}) {
    super(locate(problem, fix, where), where.cause === undefined ? undefined : { cause: where.cause });
    this.name = new.target.name;
    /** @type {string | undefined} */
    this.file = where.file;
    /** @type {number | undefined} */
    this.line = where.line;
    /** @type {string | undefined} */
    this.profile = where.profile;
    /** @type {string | undefined} */
    this.stage = where.stage;
    this.problem = problem;
    this.fix = fix;
  }

  /**
   * Names the profile the error arose in (a file with `profiles:` is read once
   * per profile), unless it already names one.
   * @param {string} profile
   * @returns {this}
   */
  inProfile(profile) {
    if (this.profile === undefined) {
      this.profile = profile;
      this.message = locate(this.problem, this.fix, { file: this.file, line: this.line, profile, stage: this.stage });
    }
    return this;
  }
}

/**
 * @param {string} problem
 * @param {string} fix
 * @param {ErrorLocation} where
 */
function locate(problem, fix, where) {
  const place = where.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : '';
  const profile = where.profile ? `profile \`${where.profile}\`${where.stage ? ', ' : ' '}` : '';
  const stage = where.stage ? `stage \`${where.stage}\` ` : '';
  return `${place}${profile}${stage}${problem}${fix ? `; ${fix}` : ''}`;
}

/** The file is not valid YAML. */
class PipelineYamlError extends PipelineError {}
/** A key, type or name does not follow the pipeline format (see pipelines/schema.json). */
class PipelineSchemaError extends PipelineError {}
/** A key that the format does not know (often a typo). */
class UnknownKeyError extends PipelineSchemaError {}
/** Two stages end up with one name (written twice, or produced twice by a matrix). */
class DuplicateStageError extends PipelineError {}
/** Two pipeline files define one pipeline (a file name and a profile, or two profiles). */
class DuplicatePipelineError extends PipelineError {}
/** A stage names a workspace package that does not exist. */
class UnknownPackageError extends PipelineError {}
/** A dependency names a stage that does not exist. */
class UnknownStageError extends PipelineError {}
/** A dependency names an output that its stage does not write. */
class UnknownOutputError extends PipelineError {}
/** Stages depend on each other in a circle. */
class PipelineCycleError extends PipelineError {}
/** The params file is missing or unreadable. */
class ParamsFileError extends PipelineError {}
/** A stage reads a param key that the params file does not have. */
class MissingParamError extends PipelineError {}
/** An output path leaves the pipeline's artifact folder (or the workspace). */
class OutputPathError extends PipelineError {}
/** Two outputs are the same path or one lies inside the other. */
class OutputConflictError extends PipelineError {}
/** A `${...}` placeholder that cannot be resolved for this stage. */
class PlaceholderError extends PipelineError {}
/** A command's script lies outside every input of the stage, so edits to it would not rerun the stage. */
class UntrackedScriptError extends PipelineError {}
/** The pipeline changed between hashing and running: the cache entry would describe another run. */
class StaleGraphError extends PipelineError {}
/** The stage's command could not start, failed, or did not write its outputs. */
class StageRunError extends PipelineError {}

module.exports = {
  PipelineError,
  PipelineYamlError,
  PipelineSchemaError,
  UnknownKeyError,
  DuplicateStageError,
  DuplicatePipelineError,
  UnknownPackageError,
  UnknownStageError,
  UnknownOutputError,
  PipelineCycleError,
  ParamsFileError,
  MissingParamError,
  OutputPathError,
  OutputConflictError,
  PlaceholderError,
  UntrackedScriptError,
  StaleGraphError,
  StageRunError,
};
