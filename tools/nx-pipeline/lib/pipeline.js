// @ts-check
'use strict';

const { loadPipelineFile } = require('./load');
const { resolvePipeline } = require('./resolve');
const { PipelineError, StageRunError } = require('./errors');

/**
 * Reads, validates and resolves every pipeline of one pipeline file (one, or
 * one per profile); the plugin and the runner both go through here, so they
 * cannot disagree about a stage.
 * @param {import('./workspace').WorkspaceInfo} workspace
 * @param {string} file workspace-relative pipeline file
 * @param {{artifactsDir: string}} options
 * @returns {import('./resolve').ResolvedPipeline[]}
 */
function readPipelines(workspace, file, options) {
  return loadPipelineFile(workspace.root, file).map((decl) => resolveDecl(decl, workspace, options));
}

/**
 * One pipeline of a pipeline file (the runner's view).
 * @param {import('./workspace').WorkspaceInfo} workspace
 * @param {string} file workspace-relative pipeline file
 * @param {{artifactsDir: string}} options
 * @param {string} name pipeline (or profile) name
 * @returns {import('./resolve').ResolvedPipeline}
 */
function readPipeline(workspace, file, options, name) {
  const decls = loadPipelineFile(workspace.root, file);
  const decl = decls.find((d) => d.name === name);
  if (!decl) {
    throw new StageRunError(
      `defines no pipeline \`${name}\` (it defines ${decls.map((d) => `\`${d.name}\``).join(', ')})`,
      'run the pipeline again so that Nx rebuilds its graph',
      { file },
    );
  }
  return resolveDecl(decl, workspace, options);
}

/**
 * @param {import('./load').PipelineDecl} decl
 * @param {import('./workspace').WorkspaceInfo} workspace
 * @param {{artifactsDir: string}} options
 */
function resolveDecl(decl, workspace, options) {
  try {
    return resolvePipeline(decl, { workspace, artifactsDir: options.artifactsDir });
  } catch (e) {
    throw e instanceof PipelineError && decl.profile !== undefined ? e.inProfile(decl.profile) : e;
  }
}

module.exports = { readPipelines, readPipeline };
