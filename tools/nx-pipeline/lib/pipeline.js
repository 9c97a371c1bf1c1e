// @ts-check
'use strict';

const { loadPipelineFile } = require('./load');
const { resolvePipeline } = require('./resolve');

/**
 * Reads, validates and resolves one pipeline file; the plugin and the runner
 * both go through here, so they cannot disagree about a stage.
 * @param {import('./workspace').WorkspaceInfo} workspace
 * @param {string} file workspace-relative pipeline file
 * @param {{artifactsDir: string}} options
 * @returns {import('./resolve').ResolvedPipeline}
 */
function readPipeline(workspace, file, options) {
  return resolvePipeline(loadPipelineFile(workspace.root, file), { workspace, artifactsDir: options.artifactsDir });
}

module.exports = { readPipeline };
