// @ts-check
'use strict';

const { PipelineSchemaError } = require('./errors');
const { DEFAULT_OPTIONS } = require('./nodes');
const { didYouMean, quoteList } = require('./text');

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
// The artifact folder appears unquoted in each stage's command line.
const REL_DIR = /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9_.\/-]+$/;

/**
 * Fills in defaults and rejects options that would make a broken graph.
 * @param {unknown} raw the `options` object from nx.json
 * @returns {Required<import('./nodes').PipelinePluginOptions>}
 */
function normalizeOptions(raw) {
  const where = { file: 'nx.json' };
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    throw new PipelineSchemaError('the nx-pipeline plugin options must be an object', 'see tools/nx-pipeline/index.js for the options', where);
  }
  const given = /** @type {Record<string, unknown>} */ (raw ?? {});
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(DEFAULT_OPTIONS, key)) {
      throw new PipelineSchemaError(
        `the nx-pipeline plugin has no option \`${key}\`${didYouMean(key, Object.keys(DEFAULT_OPTIONS))}`,
        `use ${quoteList(Object.keys(DEFAULT_OPTIONS))}`,
        where,
      );
    }
  }
  const o = { ...DEFAULT_OPTIONS, ...given };
  for (const key of /** @type {const} */ (['targetName', 'allTargetName', 'sourcesInput'])) {
    if (typeof o[key] !== 'string' || !NAME.test(o[key])) {
      throw new PipelineSchemaError(`nx-pipeline option \`${key}\` must be a name`, `e.g. \`"${DEFAULT_OPTIONS[key]}"\``, where);
    }
  }
  if (typeof o.artifactsDir !== 'string' || !REL_DIR.test(o.artifactsDir)) {
    throw new PipelineSchemaError(
      'nx-pipeline option `artifactsDir` must be a workspace-relative folder without `..` or spaces',
      'e.g. `"artifacts"`',
      where,
    );
  }
  o.artifactsDir = o.artifactsDir.replace(/^\.\//, '').replace(/\/+$/, '');
  for (const key of /** @type {const} */ (['env', 'externalDependencies'])) {
    if (!Array.isArray(o[key]) || !o[key].every((v) => typeof v === 'string' && v !== '')) {
      throw new PipelineSchemaError(`nx-pipeline option \`${key}\` must be a list of strings`, `e.g. \`${JSON.stringify(DEFAULT_OPTIONS[key])}\``, where);
    }
  }
  if (typeof o.provenanceFile !== 'string' || !/^(?:[A-Za-z0-9_.-]+)?$/.test(o.provenanceFile) || /^\.\.?$/.test(o.provenanceFile)) {
    throw new PipelineSchemaError(
      'nx-pipeline option `provenanceFile` must be a file name (no folder), or "" to hash provenance files like any other',
      `e.g. \`"${DEFAULT_OPTIONS.provenanceFile}"\``,
      where,
    );
  }
  if (!Array.isArray(o.inputs)) {
    throw new PipelineSchemaError('nx-pipeline option `inputs` must be a list of Nx inputs', 'e.g. `[{"runtime": "node --version"}]`', where);
  }
  return /** @type {Required<import('./nodes').PipelinePluginOptions>} */ (o);
}

module.exports = { normalizeOptions };
