// @ts-check
'use strict';

const { PlaceholderError } = require('./errors');
const { didYouMean, quoteList } = require('./text');

/**
 * A `${...}` found in a command argument.
 * @typedef {object} Placeholder
 * @property {string} text the whole `${...}`
 * @property {'params' | 'params-key' | 'value' | 'outs' | 'deps' | 'matrix' | 'pipeline' | 'stage' | 'artifacts' | 'file' | 'item'} kind
 * @property {string} arg what follows the kind (`data.seed` in `${value.data.seed}`)
 */

const PLACEHOLDER = /\$\{\s*([^}]*?)\s*\}/g;
const FORMS =
  '`${params}`, `${params.<key>}`, `${value.<key>}`, `${outs.<name>}`, `${deps.<stage>.<output>}`, `${matrix.<stage>}`, `${pipeline}`, `${stage}`, `${artifacts}`, `${file}`';

/**
 * @param {string} s
 * @returns {Placeholder[]}
 */
function findPlaceholders(s) {
  /** @type {Placeholder[]} */
  const found = [];
  for (const m of s.matchAll(PLACEHOLDER)) {
    const expr = m[1];
    const dot = expr.indexOf('.');
    const head = dot === -1 ? expr : expr.slice(0, dot);
    const arg = dot === -1 ? '' : expr.slice(dot + 1);
    /** @type {Placeholder['kind'] | undefined} */
    let kind;
    if (head === 'params') kind = arg ? 'params-key' : 'params';
    else if (['value', 'outs', 'deps', 'matrix', 'item'].includes(head) && arg) kind = /** @type {Placeholder['kind']} */ (head);
    else if (['pipeline', 'stage', 'artifacts', 'file'].includes(head) && !arg) kind = /** @type {Placeholder['kind']} */ (head);
    found.push({ text: m[0], kind: kind ?? /** @type {any} */ (undefined), arg });
  }
  return found;
}

/**
 * What a stage offers to its command line.
 * @typedef {object} PlaceholderScope
 * @property {string} file
 * @property {number | undefined} line
 * @property {string} stage
 * @property {string} pipeline
 * @property {string} artifacts workspace-relative artifact folder of the pipeline
 * @property {string[]} paramKeys declared param keys
 * @property {Record<string, unknown>} params resolved params, nested
 * @property {Record<string, string>} outputs output name -> workspace-relative path
 * @property {Record<string, string[]>} deps dep reference as written -> workspace-relative paths
 * @property {Record<string, MatrixPoint[]>} matrices matrix stage (as written under `stages:`) -> its combinations
 */

/**
 * One combination of a matrix stage, as `${matrix.<stage>}` lists it.
 * @typedef {object} MatrixPoint
 * @property {string} stage full stage name (`train@sgvae-0.1`)
 * @property {Record<string, string>} item the matrix values, as written
 */

/**
 * Checks every placeholder of a command before anything runs.
 * @param {string[]} cmd
 * @param {PlaceholderScope} scope
 */
function checkCommand(cmd, scope) {
  cmd.forEach((arg, index) => {
    for (const p of findPlaceholders(arg)) {
      resolvePlaceholder(p, arg, index, scope, () => 'params.json', () => 'params-key.json', () => 'matrix.json');
    }
  });
}

/**
 * Substitutes placeholders, giving the argument list to run.
 * @param {string[]} cmd
 * @param {PlaceholderScope} scope
 * @param {() => string} paramsFile path of the file holding all the stage's params
 * @param {(key: string) => string} paramsKeyFile path of the file holding the value of one key
 * @param {(stage: string) => string} matrixFile path of the file listing one matrix stage's combinations
 * @returns {string[]}
 */
function expandCommand(cmd, scope, paramsFile, paramsKeyFile, matrixFile) {
  return cmd.flatMap((arg, index) => {
    const ps = findPlaceholders(arg);
    if (ps.length === 1 && ps[0].text === arg && ps[0].kind === 'deps') {
      // A wildcard dependency (`train@*.model`) stands for several paths; as a
      // whole argument it becomes one argument per path.
      return resolvePlaceholder(ps[0], arg, index, scope, paramsFile, paramsKeyFile, matrixFile);
    }
    return [
      arg.replace(PLACEHOLDER, (text) => {
        const p = /** @type {Placeholder} */ (findPlaceholders(text)[0]);
        return resolvePlaceholder(p, arg, index, scope, paramsFile, paramsKeyFile, matrixFile).join(' ');
      }),
    ];
  });
}

/**
 * @param {Placeholder} p
 * @param {string} arg
 * @param {number} index
 * @param {PlaceholderScope} scope
 * @param {() => string} paramsFile
 * @param {(key: string) => string} paramsKeyFile
 * @param {(stage: string) => string} matrixFile
 * @returns {string[]}
 */
function resolvePlaceholder(p, arg, index, scope, paramsFile, paramsKeyFile, matrixFile) {
  const where = { file: scope.file, line: scope.line, stage: scope.stage };
  const at = `\`cmd\` argument ${index + 1} (\`${arg}\`)`;
  switch (p.kind) {
    case 'params':
      if (scope.paramKeys.length === 0) {
        throw new PlaceholderError(`uses \`\${params}\` in ${at} but declares no params`, 'list the keys it reads under `params:`', where);
      }
      return [paramsFile()];
    case 'params-key':
    case 'value': {
      const covered = scope.paramKeys.some((k) => p.arg === k || p.arg.startsWith(`${k}.`));
      if (!covered) {
        throw new PlaceholderError(
          `uses \`${p.text}\` in ${at} but does not declare the param \`${p.arg}\`${didYouMean(p.arg, scope.paramKeys)}`,
          `add \`${p.arg}\` (or a key above it) to the stage's \`params\``,
          where,
        );
      }
      const value = getPath(scope.params, p.arg);
      if (p.kind === 'params-key') return [paramsKeyFile(p.arg)];
      if (value === undefined || value === null || typeof value === 'object') {
        throw new PlaceholderError(
          `uses \`${p.text}\` in ${at} but \`${p.arg}\` is ${value === undefined ? 'missing' : Array.isArray(value) ? 'a list' : value === null ? 'null' : 'a mapping'}`,
          `pass it as a file with \`\${params.${p.arg}}\`, or point \`\${value...}\` at a single number, string or boolean`,
          where,
        );
      }
      return [String(value)];
    }
    case 'outs': {
      const out = scope.outputs[p.arg];
      if (out === undefined) {
        throw new PlaceholderError(
          `uses \`${p.text}\` in ${at} but has no output \`${p.arg}\`${didYouMean(p.arg, Object.keys(scope.outputs))}`,
          `declare it under \`outs\`, \`metrics\` or \`plots\` (this stage has ${quoteList(Object.keys(scope.outputs))})`,
          where,
        );
      }
      return [out];
    }
    case 'deps': {
      const paths = scope.deps[p.arg];
      if (paths === undefined) {
        throw new PlaceholderError(
          `uses \`${p.text}\` in ${at} but \`${p.arg}\` is not in its \`deps\`${didYouMean(p.arg, Object.keys(scope.deps))}`,
          `add \`${p.arg}\` to the stage's \`deps\` (the stage reads it, so it must be hashed)`,
          where,
        );
      }
      if (paths.length !== 1 && p.text !== arg) {
        throw new PlaceholderError(
          `uses \`${p.text}\` inside ${at}, but it stands for ${paths.length} paths`,
          'make the placeholder a whole argument of its own; it then becomes one argument per path',
          where,
        );
      }
      return paths;
    }
    case 'matrix': {
      if (!Object.hasOwn(scope.matrices, p.arg)) {
        throw new PlaceholderError(
          `uses \`${p.text}\` in ${at} but there is no matrix stage \`${p.arg}\`${didYouMean(p.arg, Object.keys(scope.matrices))}`,
          Object.keys(scope.matrices).length
            ? `name a stage with \`matrix\` as written under \`stages:\` (${quoteList(Object.keys(scope.matrices))})`
            : 'add a stage with `matrix`, or remove the placeholder',
          where,
        );
      }
      return [matrixFile(p.arg)];
    }
    case 'pipeline':
    case 'stage':
    case 'artifacts':
    case 'file':
      return [p.kind === 'pipeline' ? scope.pipeline : p.kind === 'stage' ? scope.stage : p.kind === 'file' ? scope.file : scope.artifacts];
    case 'item':
      throw new PlaceholderError(
        `uses \`${p.text}\` in ${at} but has no \`matrix\``,
        'add a `matrix` with that key, or replace the placeholder with a value',
        where,
      );
    default:
      throw new PlaceholderError(`uses an unknown placeholder \`${p.text}\` in ${at}`, `use one of ${FORMS}`, where);
  }
}

/**
 * @param {unknown} obj
 * @param {string} key dotted
 * @returns {unknown}
 */
function getPath(obj, key) {
  /** @type {any} */
  let cur = obj;
  for (const part of key.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = cur[part];
  }
  return cur;
}

module.exports = { findPlaceholders, checkCommand, expandCommand, getPath, PLACEHOLDER };
