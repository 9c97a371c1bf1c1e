// @ts-check
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { expandCommand, getPath } = require('./placeholders');

/**
 * The argument list of a stage's command, its placeholders filled: params
 * and matrix lists are written as JSON files into `dir`. The runner and the
 * pipeline benchmark both go through here, so they run the same command.
 * `transformParams` may change a params value before it is written (the
 * benchmark shortens training runs with it).
 * @param {import('./resolve').ResolvedPipeline} pipeline
 * @param {import('./resolve').ResolvedStage} stage
 * @param {string} dir folder for the params files (it must exist)
 * @param {{transformParams?: (key: string | undefined, value: unknown) => unknown}} [options]
 * @returns {string[]}
 */
function stageCommand(pipeline, stage, dir, options = {}) {
  const record = stage.record;
  /** @type {Map<string | undefined, string>} */
  const written = new Map();
  /**
   * Writes the stage's params (`key` undefined) or one key's value once, and
   * returns the file. Files are numbered so that keys differing only in
   * characters unsafe in file names get files of their own.
   * @param {string | undefined} key
   */
  const paramsFile = (key) => {
    if (!written.has(key)) {
      const name = key === undefined ? 'params.json' : `params-${written.size}-${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
      const file = path.join(dir, name);
      const raw = key === undefined ? record.params : getPath(record.params, key);
      const value = options.transformParams ? options.transformParams(key, raw) : raw;
      fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
      written.set(key, file);
    }
    return /** @type {string} */ (written.get(key));
  };
  return expandCommand(
    record.cmd,
    {
      file: pipeline.file,
      line: stage.line,
      stage: stage.name,
      pipeline: pipeline.name,
      artifacts: pipeline.artifacts,
      paramKeys: stage.paramKeys,
      params: record.params,
      outputs: { ...record.outs, ...record.metrics, ...record.plots },
      deps: record.deps,
      matrices: record.matrices ?? {},
    },
    () => paramsFile(undefined),
    (key) => paramsFile(key),
    (base) => {
      // The combinations of one matrix stage, as hashed with this stage.
      const file = path.join(dir, `matrix-${base.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
      if (!fs.existsSync(file)) fs.writeFileSync(file, `${JSON.stringify(record.matrices?.[base] ?? [], null, 2)}\n`);
      return file;
    },
  );
}

/**
 * The executable and arguments that run a stage's argument list without a
 * shell: `tsx` runs inside this Node binary as a loader (`node --import tsx`),
 * so there is no npx resolution and signals reach a single child process.
 * @param {string} program
 * @param {string[]} rest
 * @returns {[string, string[]]}
 */
function commandLine(program, rest) {
  if (program === 'tsx') return [process.execPath, ['--import', 'tsx', ...rest]];
  if (program === 'node') return [process.execPath, rest];
  return [program, rest];
}

module.exports = { commandLine, stageCommand };
