// @ts-check
'use strict';

const path = require('node:path');
const fs = require('node:fs');
const { PipelineSchemaError } = require('./errors');

/**
 * Options of the plugin, set under `plugins` in nx.json:
 * `{"plugin": "./tools/nx-pipeline", "options": {...}}`.
 * @typedef {object} PipelinePluginOptions
 * @property {string} [targetName] name of each stage project's cached target. Default `run`.
 * @property {string} [allTargetName] name of the aggregate project's target that runs every stage. Default `all`.
 * @property {string} [artifactsDir] workspace-relative folder that holds one folder per pipeline
 *   (`artifacts/<pipeline>/...`); outputs are declared relative to it. It should be git-ignored. Default `artifacts`.
 * @property {string} [sourcesInput] named input (from nx.json `namedInputs`) taken from the owning package and
 *   the workspace packages it uses. Default `production` (leaves out specs, docs, benches).
 * @property {string[]} [env] environment variables that every stage's hash includes. Default `["SGVAE_BACKEND"]`.
 * @property {string[]} [externalDependencies] npm packages added to every stage's hash, besides those found in
 *   its packages' sources and its `npm` list. Default `[]`.
 * @property {Array<string | Record<string, unknown>>} [inputs] further Nx inputs for every stage
 *   (e.g. `{"runtime": "node --version"}`). Default `[]`.
 * @property {string} [provenanceFile] name of the file inside a stage's output folder that records where the
 *   output came from (the commit that built it); left out of the hashes of the stages that read the output.
 *   `""` hashes it like any other file. Default `provenance.json`.
 */

/** @type {Required<PipelinePluginOptions>} */
const DEFAULT_OPTIONS = {
  targetName: 'run',
  allTargetName: 'all',
  artifactsDir: 'artifacts',
  sourcesInput: 'production',
  env: ['SGVAE_BACKEND'],
  externalDependencies: [],
  inputs: [],
  provenanceFile: 'provenance.json',
};

// The runner itself imports these, so they are in every stage's hash.
const RUNNER_NPM = ['execa', 'yaml'];

/**
 * Nx project name of a stage. `--` cannot occur in pipeline names, so the
 * split is unambiguous.
 * @param {string} pipeline
 * @param {string} stage
 */
function stageProjectName(pipeline, stage) {
  return `${pipeline}--${stage}`;
}

/**
 * Builds the Nx projects of one pipeline: one project per stage (a task's hash
 * covers its whole project configuration, so stages sharing a project would
 * all rerun when any one's params changed) and one aggregate project named
 * after the pipeline.
 * @param {import('./resolve').ResolvedPipeline} pipeline
 * @param {Required<PipelinePluginOptions>} options
 * @param {import('./workspace').WorkspaceInfo} workspace
 * @param {string} pluginDir absolute folder of this plugin
 * @returns {Record<string, any>} project root -> project configuration
 */
function buildProjects(pipeline, options, workspace, pluginDir) {
  const runnerDir = path.relative(workspace.root, pluginDir).split(path.sep).join('/');
  if (runnerDir.startsWith('..') || path.isAbsolute(runnerDir) || !/^[A-Za-z0-9_./-]+$/.test(runnerDir)) {
    // Stage commands name the runner by its workspace-relative path, and its
    // files are inputs of every stage: both need it inside the workspace.
    throw new PipelineSchemaError(
      `the nx-pipeline plugin lives at ${pluginDir}, outside the workspace ${workspace.root} (or at a path with spaces)`,
      'register it from a folder inside the workspace, e.g. `"plugin": "./tools/nx-pipeline"`',
      { file: 'nx.json' },
    );
  }
  const runnerInputs = runnerFileInputs(workspace.root, pluginDir, runnerDir);
  /** @type {Record<string, any>} */
  const projects = {};
  const stageNames = pipeline.stages.map((s) => stageProjectName(pipeline.name, s.name));
  // Optional stages (e.g. extra seeds) run only when asked for by name, or as
  // upstream of a stage that is asked for.
  const inAll = pipeline.stages.filter((s) => !s.optional).map((s) => stageProjectName(pipeline.name, s.name));
  const source = pipeline.profile === undefined ? pipeline.file : `profile \`${pipeline.profile}\` of ${pipeline.file}`;

  for (const stage of pipeline.stages) {
    const name = stageProjectName(pipeline.name, stage.name);
    const upstream = stage.upstream.map((u) => stageProjectName(pipeline.name, u));
    const externals = [...new Set([...stage.npm, ...RUNNER_NPM, ...options.externalDependencies])]
      .filter((n) => workspace.lockedPackages?.has(n))
      .sort();
    /** @type {any[]} */
    const inputs = [
      { input: options.sourcesInput, projects: stage.closure },
      ...runnerInputs,
      ...(stage.record.cmd[0] === 'tsx' ? workspace.tsconfigFiles.map((f) => ({ fileset: `{workspaceRoot}/${f}` })) : []),
      // Upstream outputs and extra files live under git-ignored folders (or
      // may); without `includeIgnored` Nx would silently leave them out of the
      // hash. An exact folder path hashes every file below it, and a missing
      // path still counts, so "absent" and "present" hash differently.
      ...[...new Set([...stage.deps.flatMap((d) => d.paths), ...stage.files])]
        .sort()
        .map((p) => ({ fileset: `{workspaceRoot}/${p}`, includeIgnored: true })),
      // An upstream output's provenance file names the commit that built it.
      // It changes with every commit that reruns the upstream stage, even when
      // the output is byte-identical; hashing it would rerun everything
      // downstream for nothing. (Nx honours a negated fileset only in this
      // object form with includeIgnored.)
      ...(options.provenanceFile === ''
        ? []
        : [...new Set(stage.deps.flatMap((d) => d.paths))]
            .sort()
            .map((p) => ({ fileset: `!{workspaceRoot}/${p}/${options.provenanceFile}`, includeIgnored: true }))),
      ...options.env.map((e) => ({ env: e })),
      // Always present, even empty: without it Nx hashes every npm package in the lockfile.
      { externalDependencies: externals },
      ...options.inputs,
    ];
    const desc = stage.desc ?? `Runs ${stage.record.cmd.join(' ')}`;
    projects[`pipelines/${pipeline.name}/${stage.name}`] = {
      name,
      root: `pipelines/${pipeline.name}/${stage.name}`,
      projectType: 'application',
      tags: ['type:pipeline-stage', `pipeline:${pipeline.name}`],
      // For `nx graph` and `nx affected`: a stage depends on the package that
      // owns its code and on the stages whose outputs it reads.
      implicitDependencies: [stage.owner.project, ...upstream],
      metadata: {
        description: desc,
        pipeline: {
          pipeline: pipeline.name,
          file: pipeline.file,
          stage: stage.name,
          package: stage.owner.project,
          metrics: stage.record.metrics,
          plots: stage.record.plots,
        },
      },
      targets: {
        [options.targetName]: {
          executor: 'nx:run-commands',
          cache: true,
          ...(upstream.length ? { dependsOn: [{ projects: upstream, target: options.targetName }] } : {}),
          inputs,
          outputs: stage.outputs.map((o) => `{workspaceRoot}/${o.path}`),
          options: {
            // The command names the stage; the runner re-reads the pipeline and
            // refuses to run when its fingerprint differs from the one hashed here.
            command: `node ${runnerDir}/run-stage.mjs --pipeline ${pipeline.name} --stage ${stage.name} --fingerprint ${stage.fingerprint} --artifacts-dir ${options.artifactsDir}`,
            cwd: '{workspaceRoot}',
            forwardAllArgs: false,
            // Not read by the command: here so that Nx hashes the stage's own
            // resolved params (and command, deps, outs). The params file is
            // not an input, so editing another stage's params changes nothing here.
            stage: stage.record,
          },
          metadata: { description: desc, technologies: ['nx-pipeline'] },
        },
      },
    };
  }

  projects[`pipelines/${pipeline.name}`] = {
    name: pipeline.name,
    root: `pipelines/${pipeline.name}`,
    projectType: 'application',
    tags: ['type:pipeline'],
    implicitDependencies: stageNames,
    metadata: {
      description: pipeline.desc ?? `Every stage of ${source}`,
      pipeline: { pipeline: pipeline.name, file: pipeline.file, params: pipeline.paramsFile, artifacts: pipeline.artifacts },
    },
    targets: {
      [options.allTargetName]: {
        executor: 'nx:noop',
        // Nothing to cache: the stages are cached. With no inputs the noop needs
        // no file lookups (a project whose root holds no files cannot resolve
        // the default `{projectRoot}/**/*`).
        cache: false,
        inputs: [],
        dependsOn: [{ projects: inAll, target: options.targetName }],
        metadata: { description: `Runs every stage of ${source} except the optional ones`, technologies: ['nx-pipeline'] },
      },
    },
  };
  return projects;
}

/**
 * The runner's code and the manifest that makes its `.js` files CommonJS:
 * both shape what a stage run does, so they are inputs of every stage.
 * @param {string} root
 * @param {string} pluginDir
 * @param {string} runnerDir
 */
function runnerFileInputs(root, pluginDir, runnerDir) {
  const inputs = [
    { fileset: `{workspaceRoot}/${runnerDir}/*.js` },
    { fileset: `{workspaceRoot}/${runnerDir}/*.mjs` },
    { fileset: `{workspaceRoot}/${runnerDir}/lib/**/*.js` },
  ];
  const manifest = path.join(pluginDir, '..', 'package.json');
  if (fs.existsSync(manifest)) {
    inputs.push({ fileset: `{workspaceRoot}/${path.relative(root, manifest).split(path.sep).join('/')}` });
  }
  return inputs;
}

module.exports = { buildProjects, stageProjectName, DEFAULT_OPTIONS, RUNNER_NPM };
