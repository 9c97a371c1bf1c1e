// @ts-check
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const {
  PipelineSchemaError,
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
} = require('./errors');
const { checkCommand, findPlaceholders, getPath } = require('./placeholders');
const { findPackage, packageClosure } = require('./workspace');
const { didYouMean, quoteList } = require('./text');

/**
 * One output of a stage.
 * @typedef {object} ResolvedOutput
 * @property {string} name
 * @property {'outs' | 'metrics' | 'plots'} kind
 * @property {string} path workspace-relative
 */

/**
 * A dependency on other stages' output (one stage, or every combination of a
 * matrix with `stage@*`).
 * @typedef {object} ResolvedDep
 * @property {string} ref as written
 * @property {string[]} stages upstream stage names
 * @property {string} output
 * @property {string[]} paths workspace-relative
 */

/**
 * What the runner needs to run a stage. It is put into the Nx target's
 * options (so Nx hashes it) and fingerprinted (so the runner can tell that the
 * pipeline it re-reads is the one Nx hashed).
 * @typedef {object} StageRecord
 * @property {string} package owning Nx project
 * @property {string[]} cmd command with placeholders
 * @property {Record<string, unknown>} params the declared params' values, nested, keys sorted
 * @property {Record<string, string[]>} deps reference (or file as written) -> workspace-relative paths
 * @property {string[]} files extra file dependencies
 * @property {Record<string, string>} outs
 * @property {Record<string, string>} metrics
 * @property {Record<string, string>} plots
 * @property {Record<string, import('./placeholders').MatrixPoint[]>} [matrices] the combinations of each matrix stage
 *   that `${matrix.<stage>}` in the command lists (only when it is used)
 * @property {number} [threads] TensorFlow threads of the stage's process (only when set)
 */

/**
 * @typedef {object} ResolvedStage
 * @property {string} name
 * @property {string} base
 * @property {Record<string, string> | undefined} item
 * @property {number | undefined} line
 * @property {string | undefined} desc
 * @property {import('./workspace').WorkspacePackage} owner
 * @property {string[]} closure Nx projects whose sources the stage runs (owner first... sorted)
 * @property {string[]} paramKeys
 * @property {ResolvedDep[]} deps
 * @property {string[]} files workspace-relative
 * @property {ResolvedOutput[]} outputs
 * @property {string[]} npm npm packages the stage uses (detected + declared), before the lockfile filter
 * @property {string[]} upstream upstream stage names (outputs read, and `after`), sorted
 * @property {string[]} after stages that must finish first, whose outputs the stage does not read
 * @property {boolean} optional left out of the aggregate target
 * @property {StageRecord} record
 * @property {string} fingerprint
 */

/**
 * @typedef {object} ResolvedPipeline
 * @property {string} name
 * @property {string} file
 * @property {string | undefined} profile the profile name when the file has `profiles:`
 * @property {string | undefined} desc
 * @property {string | undefined} paramsFile workspace-relative
 * @property {string} artifacts workspace-relative artifact folder (`artifacts/<name>`)
 * @property {ResolvedStage[]} stages in dependency order
 */

/**
 * @typedef {object} ResolveOptions
 * @property {import('./workspace').WorkspaceInfo} workspace
 * @property {string} artifactsDir workspace-relative folder holding every pipeline's artifact folder
 */

const COMMAND_RUNTIMES = {
  // `tsx` runs as `node --import tsx`: one process, no shell, no npx lookup.
  tsx: ['tsx'],
  node: [],
};

/**
 * npm packages that start the command (`tsx` for `tsx`).
 * @param {string} program
 * @returns {string[]}
 */
function runtimePackages(program) {
  return Object.hasOwn(COMMAND_RUNTIMES, program) ? COMMAND_RUNTIMES[/** @type {keyof typeof COMMAND_RUNTIMES} */ (program)] : [];
}

/**
 * Resolves references, params and paths and checks everything that can be
 * checked before a stage runs.
 * @param {import('./load').PipelineDecl} decl
 * @param {ResolveOptions} options
 * @returns {ResolvedPipeline}
 */
function resolvePipeline(decl, options) {
  const { workspace } = options;
  const file = decl.file;
  const artifacts = normalizeRel(`${options.artifactsDir}/${decl.name}`);
  const paramsFile = decl.params === undefined ? undefined : normalizeRel(path.posix.join(path.posix.dirname(file), decl.params));
  const params = paramsFile === undefined ? undefined : readParams(workspace.root, paramsFile, file);
  const byName = new Map(decl.stages.map((s) => [s.name, s]));

  // Outputs first: dependencies are checked against them.
  /** @type {Map<string, ResolvedOutput[]>} */
  const outputsByStage = new Map();
  for (const s of decl.stages) {
    const where = { file, line: s.line, stage: s.name };
    /** @type {ResolvedOutput[]} */
    const outputs = [];
    for (const kind of /** @type {const} */ (['outs', 'metrics', 'plots'])) {
      for (const [name, p] of Object.entries(s[kind])) {
        outputs.push({ name, kind, path: outputPath(p, artifacts, `${kind}.${name}`, where) });
      }
    }
    outputsByStage.set(s.name, outputs);
  }
  checkOutputConflicts(decl, outputsByStage);

  /** @type {Record<string, import('./placeholders').MatrixPoint[]>} */
  const matrices = {};
  for (const s of decl.stages) {
    if (s.item) (matrices[s.base] ??= []).push({ stage: s.name, item: s.item });
  }

  /** @type {Map<string, Omit<ResolvedStage, 'upstream'>>} */
  const partial = new Map();
  for (const s of decl.stages) {
    const where = { file, line: s.line, stage: s.name };
    for (const [field, values] of /** @type {[string, string[]][]} */ ([
      ['params', s.params],
      ['deps', s.deps],
      ['outs/metrics/plots', [...Object.values(s.outs), ...Object.values(s.metrics), ...Object.values(s.plots)]],
      ['npm', s.npm],
      ['after', s.after],
      ['package', [s.package]],
    ])) {
      const bad = values.find((v) => findPlaceholders(v).length > 0);
      if (bad) {
        throw new PlaceholderError(
          `has a placeholder in \`${field}\` (\`${bad}\`)`,
          'only `${item.<key>}` of a matrix may appear outside `cmd`; write the value itself',
          where,
        );
      }
    }

    const owner = findPackage(workspace.packages, s.package);
    if (!owner) {
      throw new UnknownPackageError(
        `names the package \`${s.package}\`, which is not a workspace package${didYouMean(s.package, workspace.packages.keys())}`,
        `use one of ${quoteList([...workspace.packages.keys()].sort())}`,
        where,
      );
    }
    const closure = packageClosure(workspace.packages, owner.project);

    const paramValues = resolveParams(s, params, paramsFile, where);

    /** @type {ResolvedDep[]} */
    const deps = [];
    /** @type {string[]} */
    const files = [];
    for (const ref of s.deps) {
      if (ref.includes('/')) {
        files.push(workspacePath(ref, where, 'deps'));
      } else {
        deps.push(resolveDep(ref, s.name, decl, byName, outputsByStage, where));
      }
    }

    const outputs = /** @type {ResolvedOutput[]} */ (outputsByStage.get(s.name));
    /** @type {Record<string, string[]>} */
    const depPaths = Object.fromEntries(deps.map((d) => [d.ref, d.paths]));
    // A file dependency answers `${deps.<path>}` as written and as normalized.
    s.deps.forEach((ref) => {
      if (ref.includes('/')) {
        const p = workspacePath(ref, where, 'deps');
        depPaths[ref] = [p];
        depPaths[p] = [p];
      }
    });
    checkCommand(s.cmd, {
      file,
      line: s.line,
      stage: s.name,
      pipeline: decl.name,
      artifacts,
      paramKeys: s.params,
      params: paramValues,
      outputs: Object.fromEntries(outputs.map((o) => [o.name, o.path])),
      deps: depPaths,
      matrices,
    });
    const after = resolveAfter(s, decl, byName, where);
    checkScriptTracked(s.cmd, closure, files, where);

    const npm = new Set(s.npm);
    for (const pkg of closure) for (const n of pkg.externalDeps) npm.add(n);
    for (const n of runtimePackages(s.cmd[0])) npm.add(n);

    /** @type {StageRecord} */
    const record = {
      package: owner.project,
      cmd: s.cmd,
      params: paramValues,
      deps: depPaths,
      files,
      outs: pick(outputs, 'outs'),
      metrics: pick(outputs, 'metrics'),
      plots: pick(outputs, 'plots'),
    };
    // A stage that reads a matrix's combinations is hashed with them.
    const used = [...new Set(s.cmd.flatMap((a) => findPlaceholders(a).filter((p) => p.kind === 'matrix').map((p) => p.arg)))].sort();
    if (used.length > 0) record.matrices = Object.fromEntries(used.map((m) => [m, matrices[m]]));
    // The thread count can change floating-point reduction order, so it is part of the hash.
    if (s.threads !== undefined) record.threads = s.threads;
    partial.set(s.name, {
      name: s.name,
      base: s.base,
      item: s.item,
      line: s.line,
      desc: s.desc,
      owner,
      closure: closure.map((p) => p.project),
      paramKeys: s.params,
      deps,
      files,
      outputs,
      npm: [...npm].sort(),
      optional: s.optional,
      after,
      record,
      fingerprint: fingerprint(record),
    });
  }

  const order = topologicalOrder(decl, partial);
  return {
    name: decl.name,
    file,
    profile: decl.profile,
    desc: decl.desc,
    paramsFile,
    artifacts,
    stages: order.map((name) => {
      const st = /** @type {Omit<ResolvedStage, 'upstream'>} */ (partial.get(name));
      const upstream = [...new Set([...st.deps.flatMap((d) => d.stages), ...st.after])].sort();
      return { ...st, upstream };
    }),
  };
}

/**
 * @param {string} root
 * @param {string} paramsFile workspace-relative
 * @param {string} pipelineFile
 * @returns {Record<string, unknown>}
 */
function readParams(root, paramsFile, pipelineFile) {
  let text;
  try {
    text = fs.readFileSync(path.join(root, paramsFile), 'utf8');
  } catch (cause) {
    throw new ParamsFileError(
      `names the params file \`${paramsFile}\`, which cannot be read`,
      'create it, or fix `params:` (it is relative to the pipeline file\'s folder)',
      { file: pipelineFile, cause },
    );
  }
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { prettyErrors: true, lineCounter });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    throw new ParamsFileError(`is not valid YAML: ${err.message.split('\n')[0]}`, 'fix the YAML syntax at that line', {
      file: paramsFile,
      line: err.linePos?.[0]?.line,
      cause: err,
    });
  }
  const value = doc.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ParamsFileError('must be a mapping of param sections', 'write `section: {key: value}` entries', { file: paramsFile });
  }
  return value;
}

/**
 * The stage's own params, nested as in the params file, keys sorted so that
 * reordering the params file does not change the hash.
 * @param {import('./load').StageDecl} s
 * @param {Record<string, unknown> | undefined} params
 * @param {string | undefined} paramsFile
 * @param {{file: string, line?: number, stage: string}} where
 * @returns {Record<string, unknown>}
 */
function resolveParams(s, params, paramsFile, where) {
  /** @type {Record<string, unknown>} */
  const out = {};
  if (s.params.length === 0) return out;
  if (!params || !paramsFile) {
    throw new ParamsFileError(
      `reads params ${quoteList(s.params)} but the pipeline names no params file`,
      'add `params: params/<profile>.yaml` at the top of the pipeline file',
      where,
    );
  }
  for (const key of s.params) {
    const parts = key.split('.');
    if (parts.some((p) => p === '')) {
      throw new PipelineSchemaError(`has a malformed param key \`${key}\``, 'write dotted keys like `train.sgvae.beta`', where);
    }
    const value = getPath(params, key);
    if (value === undefined) {
      let found = 0;
      /** @type {any} */
      let cur = params;
      while (found < parts.length && cur && typeof cur === 'object' && Object.hasOwn(cur, parts[found])) {
        cur = cur[parts[found]];
        found++;
      }
      const siblings = cur && typeof cur === 'object' && !Array.isArray(cur) ? Object.keys(cur) : [];
      const missing = parts.slice(0, found + 1).join('.');
      throw new MissingParamError(
        `reads param \`${key}\` but ${paramsFile} has no \`${missing}\`${didYouMean(parts[found], siblings)}`,
        `add \`${missing}\` to ${paramsFile} or remove \`${key}\` from the stage's \`params\``,
        where,
      );
    }
    setPath(out, parts, value);
  }
  return /** @type {Record<string, unknown>} */ (canonical(out));
}

/**
 * @param {Record<string, unknown>} obj
 * @param {string[]} parts
 * @param {unknown} value
 */
function setPath(obj, parts, value) {
  /** @type {any} */
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (cur[p] === undefined || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p];
  }
  cur[parts[parts.length - 1]] = structuredClone(value);
}

/**
 * Sorted object keys, recursively (arrays keep their order).
 * @param {unknown} v
 * @returns {unknown}
 */
function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical(/** @type {any} */ (v)[k])]),
    );
  }
  return v;
}

/**
 * @param {StageRecord} record
 */
function fingerprint(record) {
  return crypto.createHash('sha256').update(JSON.stringify(canonical(record))).digest('hex').slice(0, 16);
}

/**
 * @param {string} ref `stage.output` or `stage@*.output`
 * @param {string} self
 * @param {import('./load').PipelineDecl} decl
 * @param {Map<string, import('./load').StageDecl>} byName
 * @param {Map<string, ResolvedOutput[]>} outputsByStage
 * @param {{file: string, line?: number, stage: string}} where
 * @returns {ResolvedDep}
 */
function resolveDep(ref, self, decl, byName, outputsByStage, where) {
  const dot = ref.lastIndexOf('.');
  if (dot <= 0 || dot === ref.length - 1) {
    throw new UnknownStageError(
      `has the dependency \`${ref}\`, which is neither \`stage.output\` nor a path`,
      `write \`<stage>.<output>\` for another stage's output, or a path containing \`/\` (\`./${ref}\`) for a file`,
      where,
    );
  }
  const stageRef = ref.slice(0, dot);
  const output = ref.slice(dot + 1);
  /** @type {string[]} */
  let stages;
  if (stageRef.endsWith('@*')) {
    stages = matrixCombinations(stageRef, decl, `reads \`${ref}\``, where);
  } else if (byName.has(stageRef)) {
    stages = [stageRef];
  } else {
    const matrixBase = decl.stages.find((s) => s.base === stageRef && s.item);
    throw new UnknownStageError(
      `reads \`${ref}\` but there is no stage \`${stageRef}\`${didYouMean(stageRef, byName.keys())}`,
      matrixBase
        ? `\`${stageRef}\` has a matrix: name one combination (\`${matrixBase.name}.${output}\`) or all of them (\`${stageRef}@*.${output}\`)`
        : `use one of ${quoteList([...byName.keys()].filter((n) => n !== self))}, or write a path containing \`/\` (\`./${ref}\`) for a file`,
      where,
    );
  }
  if (stages.includes(self)) {
    throw new PipelineCycleError(`reads its own output \`${ref}\``, 'a stage cannot depend on itself; remove it from `deps`', where);
  }
  /** @type {string[]} */
  const paths = [];
  for (const name of stages) {
    const outs = /** @type {ResolvedOutput[]} */ (outputsByStage.get(name));
    const out = outs.find((o) => o.name === output);
    if (!out) {
      throw new UnknownOutputError(
        `reads \`${ref}\` but no stage writes it${didYouMean(output, outs.map((o) => o.name))}`,
        `add \`${output}\` to the outs of \`${name}\` (it has ${quoteList(outs.map((o) => o.name))})`,
        where,
      );
    }
    paths.push(out.path);
  }
  return { ref, stages, output, paths };
}

/**
 * The stage names `stage@*` stands for: every combination of a matrix stage.
 * @param {string} ref `<base>@*`
 * @param {import('./load').PipelineDecl} decl
 * @param {string} what how the error starts (`reads \`x@*.out\``)
 * @param {{file: string, line?: number, stage: string}} where
 * @returns {string[]}
 */
function matrixCombinations(ref, decl, what, where) {
  const base = ref.slice(0, -2);
  const names = decl.stages.filter((x) => x.base === base && x.item).map((x) => x.name);
  if (names.length === 0) {
    throw new UnknownStageError(
      `${what} but there is no matrix stage \`${base}\``,
      `\`stage@*\` stands for every combination of a stage with \`matrix\`${didYouMean(base, decl.stages.map((x) => x.base))}`,
      where,
    );
  }
  return names;
}

/**
 * Resolves `after`: stage names or `base@*` for every combination of a
 * matrix stage. Nx runs those stages first, but their outputs are not inputs
 * of this stage, so they rerun without rerunning it (a check of the whole
 * grid before any grid point trains, for instance).
 * @param {import('./load').StageDecl} s
 * @param {import('./load').PipelineDecl} decl
 * @param {Map<string, import('./load').StageDecl>} byName
 * @param {{file: string, line?: number, stage: string}} where
 * @returns {string[]}
 */
function resolveAfter(s, decl, byName, where) {
  /** @type {string[]} */
  const out = [];
  for (const ref of s.after) {
    /** @type {string[]} */
    let names;
    if (ref.endsWith('@*')) {
      names = matrixCombinations(ref, decl, `lists \`${ref}\` under \`after\``, where);
    } else if (byName.has(ref)) {
      names = [ref];
    } else {
      throw new UnknownStageError(
        `lists \`${ref}\` under \`after\`, but there is no stage \`${ref}\`${didYouMean(ref, byName.keys())}`,
        `use one of ${quoteList([...byName.keys()].filter((n) => n !== s.name))}`,
        where,
      );
    }
    if (names.includes(s.name)) {
      throw new PipelineCycleError(`lists itself under \`after\` (\`${ref}\`)`, 'a stage cannot wait for itself; remove it from `after`', where);
    }
    out.push(...names);
  }
  return [...new Set(out)].sort();
}

/**
 * @param {string} p as written (relative to the pipeline's artifact folder)
 * @param {string} artifacts workspace-relative artifact folder
 * @param {string} field
 * @param {{file: string, line?: number, stage: string}} where
 */
function outputPath(p, artifacts, field, where) {
  if (path.posix.isAbsolute(p) || path.win32.isAbsolute(p) || p.includes('\\')) {
    throw new OutputPathError(
      `writes \`${field}\` to \`${p}\`, which is outside the workspace`,
      `give a path relative to ${artifacts}/ (e.g. \`${path.posix.basename(p.replace(/\\/g, '/')) || 'out'}\`)`,
      where,
    );
  }
  const full = path.posix.normalize(`${artifacts}/${p}`).replace(/\/+$/, '');
  if (full.startsWith('../') || full === '..') {
    throw new OutputPathError(
      `writes \`${field}\` to \`${p}\`, which is outside the workspace`,
      `give a path relative to ${artifacts}/ without \`..\``,
      where,
    );
  }
  if (!full.startsWith(`${artifacts}/`)) {
    throw new OutputPathError(
      `writes \`${field}\` to \`${p}\`, which is outside the pipeline's artifact folder ${artifacts}/`,
      `give a path inside ${artifacts}/ without \`..\` (each pipeline writes only there, and the runner deletes declared outputs before a run)`,
      where,
    );
  }
  return full;
}

/**
 * @param {string} p workspace path as written in `deps`
 * @param {{file: string, line?: number, stage: string}} where
 * @param {string} field
 */
function workspacePath(p, where, field) {
  const full = path.posix.normalize(p).replace(/\/+$/, '');
  if (path.posix.isAbsolute(p) || full === '..' || full.startsWith('../') || full === '.' || full === '') {
    throw new PipelineSchemaError(
      `lists \`${p}\` in \`${field}\`, which is not a path inside the workspace`,
      'give a workspace-relative path such as `./data/raw.bin` or `packages/data/assets`',
      where,
    );
  }
  return full;
}

/**
 * Two stages writing one path (or one inside the other) would overwrite each
 * other and make Nx restore one stage's cache entry over the other's output.
 * @param {import('./load').PipelineDecl} decl
 * @param {Map<string, ResolvedOutput[]>} outputsByStage
 */
function checkOutputConflicts(decl, outputsByStage) {
  /** @type {{stage: string, line?: number, out: ResolvedOutput}[]} */
  const all = [];
  for (const s of decl.stages) {
    for (const out of /** @type {ResolvedOutput[]} */ (outputsByStage.get(s.name))) all.push({ stage: s.name, line: s.line, out });
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = all[j];
      const b = all[i];
      const same = a.out.path === b.out.path;
      const nested = b.out.path.startsWith(`${a.out.path}/`) || a.out.path.startsWith(`${b.out.path}/`);
      if (!same && !nested) continue;
      const other = a.stage === b.stage ? `its own output \`${a.out.name}\`` : `\`${a.out.name}\` of stage \`${a.stage}\``;
      throw new OutputConflictError(
        `writes \`${b.out.name}\` to ${b.out.path}, which ${same ? 'is also' : 'overlaps'} ${other} (${a.out.path})`,
        'give every output its own path; no output may lie inside another',
        { file: decl.file, line: b.line, stage: b.stage },
      );
    }
  }
}

/**
 * A script that is neither in the packages the stage is hashed against nor a
 * declared file would let an edit to it go unnoticed by the cache.
 * @param {string[]} cmd
 * @param {import('./workspace').WorkspacePackage[]} closure
 * @param {string[]} files
 * @param {{file: string, line?: number, stage: string}} where
 */
function checkScriptTracked(cmd, closure, files, where) {
  if (!Object.hasOwn(COMMAND_RUNTIMES, cmd[0])) return;
  const script = cmd.slice(1).find((a) => !a.startsWith('-') && /\.[cm]?[jt]sx?$/.test(a) && findPlaceholders(a).length === 0);
  if (!script) return;
  const rel = path.posix.normalize(script);
  const inside = (/** @type {string} */ dir) => rel === dir || rel.startsWith(`${dir}/`);
  if (closure.some((p) => inside(p.root)) || files.some(inside)) return;
  const owner = closure[0];
  throw new UntrackedScriptError(
    `runs \`${script}\`, which is outside the packages it is hashed against (${quoteList(closure.map((p) => p.root))}), so editing it would not rerun the stage`,
    `move it into ${owner ? owner.root : 'the stage\'s package'} or list it in \`deps\` as \`./${rel}\``,
    where,
  );
}

/**
 * Depth-first order; reports a cycle with its path.
 * @param {import('./load').PipelineDecl} decl
 * @param {Map<string, Omit<ResolvedStage, 'upstream'>>} stages
 * @returns {string[]}
 */
function topologicalOrder(decl, stages) {
  /** @type {string[]} */
  const order = [];
  /** @type {Map<string, 'visiting' | 'done'>} */
  const state = new Map();
  /**
   * @param {string} name
   * @param {string[]} trail
   */
  const visit = (name, trail) => {
    const st = state.get(name);
    if (st === 'done') return;
    if (st === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const s = /** @type {Omit<ResolvedStage, 'upstream'>} */ (stages.get(name));
      throw new PipelineCycleError(
        `is part of a dependency cycle: ${cycle.map((n) => `\`${n}\``).join(' -> ')}`,
        'remove one of these `deps` (or `after` entries) so that the stages run one way',
        { file: decl.file, line: s.line, stage: name },
      );
    }
    state.set(name, 'visiting');
    const s = /** @type {Omit<ResolvedStage, 'upstream'>} */ (stages.get(name));
    for (const up of [...new Set([...s.deps.flatMap((d) => d.stages), ...s.after])]) visit(up, [...trail, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const s of decl.stages) visit(s.name, []);
  return order;
}

/**
 * @param {ResolvedOutput[]} outputs
 * @param {ResolvedOutput['kind']} kind
 */
function pick(outputs, kind) {
  return Object.fromEntries(outputs.filter((o) => o.kind === kind).map((o) => [o.name, o.path]));
}

/** @param {string} p */
function normalizeRel(p) {
  return path.posix.normalize(p).replace(/^\.\//, '').replace(/\/+$/, '');
}

module.exports = { resolvePipeline, fingerprint, canonical, COMMAND_RUNTIMES };
