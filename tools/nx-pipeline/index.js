// @ts-check
'use strict';

/**
 * Nx plugin: turns each `pipelines/<name>.yaml` (a DVC-style pipeline
 * declaration, see pipelines/README.md) into Nx projects, one per stage with a
 * cached `run` target, plus an aggregate project `<name>` whose `all` target
 * runs every stage.
 *
 * Register it in nx.json:
 *   "plugins": [{ "plugin": "./tools/nx-pipeline", "options": { ... } }]
 * Options and defaults: see PipelinePluginOptions in lib/nodes.js
 * (targetName `run`, allTargetName `all`, artifactsDir `artifacts`,
 * sourcesInput `production`, env `["SGVAE_BACKEND"]`,
 * externalDependencies `[]`, inputs `[]`).
 */

// error-types rather than devkit-exports: the latter loads in ~350 ms, which a
// no-op `nx run pipeline:all` pays on every graph computation.
const { AggregateCreateNodesError } = require('nx/src/project-graph/error-types');
const { readPipelines } = require('./lib/pipeline');
const { buildProjects } = require('./lib/nodes');
const { normalizeOptions } = require('./lib/options');
const { readWorkspace } = require('./lib/workspace');
const errors = require('./lib/errors');

const PIPELINE_GLOB = 'pipelines/*.yaml';

/**
 * @typedef {import('./lib/nodes').PipelinePluginOptions} PipelinePluginOptions
 */

/**
 * Builds the projects of every matched pipeline file (one pipeline, or one per
 * profile). Errors are collected per file (Nx reports each with its file
 * name); any error stops graph construction, so a broken pipeline file is
 * noticed before anything runs.
 * @param {readonly string[]} files workspace-relative pipeline files
 * @param {PipelinePluginOptions | undefined} rawOptions
 * @param {{workspaceRoot: string}} context
 */
async function createPipelineNodes(files, rawOptions, context) {
  const options = normalizeOptions(rawOptions);
  // One scan of the workspace packages serves every pipeline file.
  const workspace = readWorkspace(context.workspaceRoot);
  /** @type {[string, {projects: Record<string, any>}][]} */
  const results = [];
  /** @type {[string, Error][]} */
  const failures = [];
  /** @type {Map<string, string>} pipeline name -> the file defining it */
  const defined = new Map();
  for (const file of files) {
    try {
      /** @type {Record<string, any>} */
      const projects = {};
      for (const pipeline of readPipelines(workspace, file, options)) {
        const other = defined.get(pipeline.name);
        if (other !== undefined) {
          throw new errors.DuplicatePipelineError(
            `defines the pipeline \`${pipeline.name}\`, which ${other} defines too`,
            'give every pipeline its own name: rename the file or the profile (a file without `profiles:` is named after the file)',
            { file },
          );
        }
        defined.set(pipeline.name, file);
        Object.assign(projects, buildProjects(pipeline, options, workspace, __dirname));
      }
      results.push([file, { projects }]);
    } catch (e) {
      failures.push([file, /** @type {Error} */ (e)]);
    }
  }
  if (failures.length > 0) throw new AggregateCreateNodesError(failures, results);
  return results;
}

/** @type {readonly [string, typeof createPipelineNodes]} */
const createNodes = [PIPELINE_GLOB, createPipelineNodes];

module.exports = {
  createNodes,
  // The name Nx documented before version 24; Nx 24 reads `createNodes` first.
  createNodesV2: createNodes,
  createPipelineNodes,
  errors,
};
