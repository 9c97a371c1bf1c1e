// @ts-check
// Unit tests of the plugin: build the project graph of fixture pipelines by
// calling createNodesV2's function directly, and check every validation error.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARAMS_YAML, REPO_ROOT, makeWorkspace, removeWorkspace, writeFiles } from './fixture-workspace.mjs';

/** @type {string} */
let root;
/** @type {any} */
let plugin;

beforeAll(() => {
  root = makeWorkspace();
  // The copy inside the fixture, so the runner path it computes is inside the workspace.
  plugin = createRequire(import.meta.url)(path.join(root, 'tools/nx-pipeline/index.js'));
});
afterAll(() => removeWorkspace(root));

/**
 * Runs the plugin on one pipeline file.
 * @param {string} file workspace-relative
 * @param {object} [options]
 */
async function nodesOf(file, options = {}) {
  const [pattern, fn] = plugin.createNodesV2;
  expect(pattern).toBe('pipelines/*.yaml');
  const results = await fn([file], options, { workspaceRoot: root, nxJsonConfiguration: {} });
  expect(results).toHaveLength(1);
  expect(results[0][0]).toBe(file);
  return results[0][1].projects;
}

/**
 * The error the plugin raises for a pipeline text (written as pipelines/<name>.yaml).
 * @param {string} yaml
 * @param {{name?: string, params?: string, files?: Record<string, string>}} [opts]
 * @returns {Promise<any>}
 */
async function errorOf(yaml, opts = {}) {
  const name = opts.name ?? 'bad';
  writeFiles(root, {
    [`pipelines/${name}.yaml`]: yaml,
    'pipelines/params/bad.yaml': opts.params ?? PARAMS_YAML,
    ...opts.files,
  });
  try {
    await plugin.createNodesV2[1]([`pipelines/${name}.yaml`], {}, { workspaceRoot: root, nxJsonConfiguration: {} });
  } catch (aggregate) {
    // Nx reports errors per pipeline file; each carries the typed error.
    const e = /** @type {any} */ (aggregate);
    expect(e.name).toBe('AggregateCreateNodesError');
    expect(e.errors[0][0]).toBe(`pipelines/${name}.yaml`);
    return e.errors[0][1];
  } finally {
    fs.rmSync(path.join(root, `pipelines/${name}.yaml`), { force: true });
  }
  throw new Error('expected the plugin to reject the pipeline');
}

/**
 * The projects of a pipeline text written as pipelines/<name>.yaml (removed afterwards).
 * @param {string} name
 * @param {string} yaml
 */
async function projectsOfFile(name, yaml) {
  writeFiles(root, { [`pipelines/${name}.yaml`]: yaml, 'pipelines/params/bad.yaml': PARAMS_YAML });
  try {
    return await nodesOf(`pipelines/${name}.yaml`);
  } finally {
    fs.rmSync(path.join(root, `pipelines/${name}.yaml`), { force: true });
  }
}

/** A valid single-stage pipeline with one part replaced. */
const stage = (/** @type {string} */ body) => `params: params/bad.yaml
stages:
  prepare:
    package: alpha
    cmd: [node, packages/alpha/src/prepare.mjs, "\${params}", "\${outs.data}", "\${stage}"]
    params: [prepare]
    outs:
      data: prepare/data
${body}`;

describe('project graph of a pipeline', () => {
  it('gives one project per stage, matrix stages expanded, and an aggregate project', async () => {
    const projects = await nodesOf('pipelines/pipeline.yaml');
    const names = Object.values(projects).map((/** @type {any} */ p) => p.name);
    expect(names).toEqual(['pipeline--prepare', 'pipeline--train@m1', 'pipeline--train@m2', 'pipeline--report', 'pipeline']);
    expect(Object.keys(projects)).toEqual([
      'pipelines/pipeline/prepare',
      'pipelines/pipeline/train@m1',
      'pipelines/pipeline/train@m2',
      'pipelines/pipeline/report',
      'pipelines/pipeline',
    ]);
    expect(projects['pipelines/pipeline'].targets.all).toEqual({
      executor: 'nx:noop',
      cache: false,
      inputs: [],
      dependsOn: [{ projects: ['pipeline--prepare', 'pipeline--train@m1', 'pipeline--train@m2', 'pipeline--report'], target: 'run' }],
      metadata: { description: 'Runs every stage of pipelines/pipeline.yaml except the optional ones', technologies: ['nx-pipeline'] },
    });
  });

  it('leaves optional stages out of the aggregate target, without changing their hash', async () => {
    const body = (/** @type {string} */ extra) => stage(`  extra:
    package: alpha
    cmd: [node, packages/alpha/src/prepare.mjs, "\${deps.prepare.data}", "\${outs.more}"]
    deps: [prepare.data]
${extra}    outs:
      more: extra/more
`);
    const projectsOf = (/** @type {string} */ yaml) => projectsOfFile('opt', yaml);
    const withFlag = await projectsOf(body('    optional: true\n'));
    const without = await projectsOf(body(''));
    expect(withFlag['pipelines/opt'].targets.all.dependsOn).toEqual([{ projects: ['opt--prepare'], target: 'run' }]);
    expect(without['pipelines/opt'].targets.all.dependsOn).toEqual([{ projects: ['opt--prepare', 'opt--extra'], target: 'run' }]);
    // Still a project of its own, with its upstream, and the same hash inputs either way.
    expect(withFlag['pipelines/opt/extra'].targets.run.dependsOn).toEqual([{ projects: ['opt--prepare'], target: 'run' }]);
    expect(withFlag['pipelines/opt/extra'].targets.run.options).toEqual(without['pipelines/opt/extra'].targets.run.options);
    expect(withFlag['pipelines/opt/extra'].targets.run.inputs).toEqual(without['pipelines/opt/extra'].targets.run.inputs);
    const bad = await errorOf(stage('    optional: yes\n'));
    expect(bad.message).toMatch(/stage `prepare` `optional` must be true or false.*write `optional: true` or leave it out/);
  });

  it('`threads` is part of the stage record (so of its hash) and sets TensorFlow\'s thread pools for the run', async () => {
    const projectsOf = (/** @type {string} */ yaml) => projectsOfFile('thr', yaml);
    const one = await projectsOf(stage('    threads: 1\n'));
    const two = await projectsOf(stage('    threads: 2\n'));
    const unset = await projectsOf(stage(''));
    const run = (/** @type {any} */ p) => p['pipelines/thr/prepare'].targets.run;
    expect(run(one).options.stage.threads).toBe(1);
    expect(run(two).options.stage.threads).toBe(2);
    // Left out, the record is exactly what it was before the key existed.
    expect('threads' in run(unset).options.stage).toBe(false);
    // The runner refuses a stage whose fingerprint differs from the hashed one: each count has its own.
    const fp = (/** @type {any} */ p) => /--fingerprint (\S+)/.exec(run(p).options.command)?.[1];
    expect(new Set([fp(one), fp(two), fp(unset)]).size).toBe(3);
    const { stageEnv } = createRequire(import.meta.url)(path.join(root, 'tools/nx-pipeline/lib/stage-env.js'));
    expect(stageEnv(run(one).options.stage)).toEqual({ TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1' });
    expect(stageEnv(run(unset).options.stage)).toEqual({});
    for (const bad of ['0', '1.5', 'all', '[1]', '300']) {
      const e = await errorOf(stage(`    threads: ${bad}\n`));
      expect(e).toBeInstanceOf(plugin.errors.PipelineSchemaError);
      expect(e.message).toMatch(/stage `prepare` `threads` must be a whole number from 1 to 256.*threads: 1/s);
    }
  });

  it('`matrix: {foreach: <stage>}` repeats a stage per combination of another, and `threads` can be given per combination', async () => {
    const file = (/** @type {string} */ threads, /** @type {string} */ profileMatrix = '') => `params: params/bad.yaml
${profileMatrix ? `profiles:\n  few:\n    stages:\n      train:\n        matrix: {model: [${profileMatrix}]}\n  all: {}\n` : ''}stages:
  train:
    matrix: {model: [big, small, tiny]}
    package: alpha
    cmd: [node, packages/alpha/src/prepare.mjs, "\${item.model}", "\${outs.model}"]
    outs:
      model: models/\${item.model}
  score:
    matrix: {foreach: train}
    package: alpha
${threads}    cmd: [node, packages/alpha/src/prepare.mjs, "\${deps.train@\${item.model}.model}", "\${outs.score}"]
    deps: ["train@\${item.model}.model"]
    outs:
      score: scores/\${item.model}
`;
    const projects = await projectsOfFile('fe', file('    threads: {default: 1, big: 2}\n'));
    const score = (/** @type {string} */ m) => projects[`pipelines/fe/score@${m}`].targets.run.options.stage;
    expect(Object.keys(projects).filter((k) => k.includes('/score@')).sort()).toEqual(['pipelines/fe/score@big', 'pipelines/fe/score@small', 'pipelines/fe/score@tiny']);
    expect(score('small').deps).toEqual({ 'train@small.model': ['artifacts/fe/models/small'] });
    expect([score('big').threads, score('small').threads, score('tiny').threads]).toEqual([2, 1, 1]);
    // Without `default`, the combinations not named use every core (no `threads` in the record).
    const noDefault = await projectsOfFile('fe', file('    threads: {tiny: 1}\n'));
    expect('threads' in noDefault['pipelines/fe/score@big'].targets.run.options.stage).toBe(false);
    expect(noDefault['pipelines/fe/score@tiny'].targets.run.options.stage.threads).toBe(1);
    // A profile's matrix is followed; a key naming a combination of another profile is accepted.
    const profiled = Object.values(await projectsOfFile('fe', file('    threads: {default: 1, big: 2}\n', 'small, tiny'))).map((/** @type {any} */ p) => p.name);
    expect(profiled.filter((n) => n.startsWith('few--score@')).sort()).toEqual(['few--score@small', 'few--score@tiny']);
    expect(profiled).toContain('all--score@big');

    const typo = await errorOf(file('    threads: {default: 1, bgi: 2}\n'));
    expect(typo.message).toMatch(/stage `score` `threads.bgi` names no combination of the stage's matrix \(did you mean `big`\?\); key the counts by combination \(`big`, `small`, `tiny`\)/);
    const zero = await errorOf(file('    threads: {default: 0}\n'));
    expect(zero.message).toMatch(/`threads.default` must be a whole number from 1 to 256, got "0"/);
    const noMatrix = await errorOf(stage('    threads: {default: 1}\n'));
    expect(noMatrix.message).toMatch(/stage `prepare` `threads` is a mapping, but the stage has no `matrix`/);
    const unknown = await errorOf(file('').replace('{foreach: train}', '{foreach: trian}'));
    expect(unknown.message).toMatch(/stage `score` has `matrix: \{foreach: trian\}`, but there is no stage `trian` \(did you mean `train`\?\)/);
  });

  it('`after` orders stages without hashing their outputs; `${matrix.<stage>}` lists a grid and is hashed with it', async () => {
    const grid = (/** @type {string} */ betas) => `params: params/bad.yaml
stages:
  check:
    package: alpha
    cmd: [node, packages/alpha/src/prepare.mjs, "\${matrix.train}", "\${outs.grid}"]
    outs:
      grid: grid.json
  train:
    matrix: {model: [a, b], beta: [${betas}]}
    after: [check]
    package: alpha
    cmd: [node, packages/alpha/src/prepare.mjs, "\${item.beta}", "\${outs.model}"]
    outs:
      model: models/\${item.model}-\${item.beta}
  report:
    after: [train@*]
    package: alpha
    cmd: [node, packages/alpha/src/prepare.mjs, "\${outs.report}"]
    outs:
      report: report
`;
    const projectsOf = async (/** @type {string} */ yaml) => {
      writeFiles(root, { 'pipelines/grid.yaml': yaml, 'pipelines/params/bad.yaml': PARAMS_YAML });
      try {
        return await nodesOf('pipelines/grid.yaml');
      } finally {
        fs.rmSync(path.join(root, 'pipelines/grid.yaml'), { force: true });
      }
    };
    const one = await projectsOf(grid('0.1, 1'));
    const two = await projectsOf(grid('0.1, 2'));
    const train = one['pipelines/grid/train@a-0.1'].targets.run;
    expect(train.dependsOn).toEqual([{ projects: ['grid--check'], target: 'run' }]);
    expect(one['pipelines/grid/train@a-0.1'].implicitDependencies).toContain('grid--check');
    // The check's output is not an input of the grid points.
    expect(JSON.stringify(train.inputs)).not.toContain('grid.json');
    expect(one['pipelines/grid/report'].targets.run.dependsOn).toEqual([
      { projects: ['grid--train@a-0.1', 'grid--train@a-1', 'grid--train@b-0.1', 'grid--train@b-1'], target: 'run' },
    ]);
    // The check is hashed with the whole grid, so it reruns when one value changes; the unchanged points do not.
    const check = one['pipelines/grid/check'].targets.run.options.stage;
    expect(check.matrices.train.map((/** @type {any} */ p) => p.stage)).toEqual(['train@a-0.1', 'train@a-1', 'train@b-0.1', 'train@b-1']);
    expect(check.matrices.train[1].item).toEqual({ model: 'a', beta: '1' });
    expect(two['pipelines/grid/check'].targets.run.options).not.toEqual(one['pipelines/grid/check'].targets.run.options);
    expect(two['pipelines/grid/train@a-0.1'].targets.run).toEqual(one['pipelines/grid/train@a-0.1'].targets.run);
    expect(one['pipelines/grid/train@a-0.1'].targets.run.options.stage.matrices).toBeUndefined();

    const unknown = await errorOf(grid('0.1').replace('after: [check]', 'after: [chek]'));
    expect(unknown).toBeInstanceOf(plugin.errors.UnknownStageError);
    expect(unknown.message).toContain('lists `chek` under `after`, but there is no stage `chek` (did you mean `check`?)');
    const self = await errorOf(grid('0.1').replace('after: [train@*]', 'after: [report]'));
    expect(self).toBeInstanceOf(plugin.errors.PipelineCycleError);
    const cycle = await errorOf(grid('0.1').replace('    outs:\n      grid: grid.json', '    after: [report]\n    outs:\n      grid: grid.json'));
    expect(cycle).toBeInstanceOf(plugin.errors.PipelineCycleError);
    expect(cycle.message).toContain('dependency cycle');
    const noMatrix = await errorOf(grid('0.1').replace('${matrix.train}', '${matrix.trian}'));
    expect(noMatrix).toBeInstanceOf(plugin.errors.PlaceholderError);
    expect(noMatrix.message).toContain('there is no matrix stage `trian` (did you mean `train`?)');
  });

  it('refuses a duplicate grid point: a value listed twice, or two spellings of one number', async () => {
    const body = (/** @type {string} */ values) => stage(`  t:\n    matrix: {model: [a], beta: [${values}]}\n    package: alpha\n    cmd: [node]\n`);
    const twice = await errorOf(body('0.1, 1, 0.1'));
    expect(twice).toBeInstanceOf(plugin.errors.PipelineSchemaError);
    expect(twice.message).toContain('`matrix.beta` lists `0.1` twice: a duplicate grid point; remove one of them from `matrix.beta`');
    const spelled = await errorOf(body('0.1, 1, 0.10'));
    expect(spelled.message).toContain('`matrix.beta` lists `0.1` and `0.10`, the same number: a duplicate grid point');
    const exp = await errorOf(body('150, 1.5e2'));
    expect(exp.message).toContain('`150` and `1.5e2`, the same number');
  });

  it('hashes a stage against its package closure, its own params, upstream outputs, the backend and its npm packages', async () => {
    const projects = await nodesOf('pipelines/pipeline.yaml');
    const train = projects['pipelines/pipeline/train@m1'];
    expect(train.implicitDependencies).toEqual(['beta', 'pipeline--prepare']);
    const run = train.targets.run;
    expect(run.cache).toBe(true);
    expect(run.dependsOn).toEqual([{ projects: ['pipeline--prepare'], target: 'run' }]);
    expect(run.outputs).toEqual(['{workspaceRoot}/artifacts/pipeline/models/m1']);
    expect(run.inputs).toEqual([
      // beta imports @fx/alpha, so alpha's production files count too.
      { input: 'production', projects: ['alpha', 'beta'] },
      { fileset: '{workspaceRoot}/tools/nx-pipeline/*.js' },
      { fileset: '{workspaceRoot}/tools/nx-pipeline/*.mjs' },
      { fileset: '{workspaceRoot}/tools/nx-pipeline/lib/**/*.js' },
      { fileset: '{workspaceRoot}/tools/package.json' },
      { fileset: '{workspaceRoot}/artifacts/pipeline/prepare/data', includeIgnored: true },
      { fileset: '!{workspaceRoot}/artifacts/pipeline/prepare/data/provenance.json', includeIgnored: true },
      { env: 'SGVAE_BACKEND' },
      // yaml from alpha's sources and the runner; execa from the runner; the
      // type-only import of beta and vitest of alpha's test helper are left out.
      { externalDependencies: ['execa', 'yaml'] },
    ]);
    expect(run.options.command).toMatch(
      /^node tools\/nx-pipeline\/run-stage\.mjs --pipeline pipeline --stage train@m1 --fingerprint [0-9a-f]{16} --artifacts-dir artifacts$/,
    );
    expect(run.options.forwardAllArgs).toBe(false);
    expect(run.options.stage).toEqual({
      package: 'beta',
      cmd: [
        'node',
        'packages/beta/src/train.mjs',
        '${stage}',
        'm1',
        '${value.train.m1.lr}',
        '${deps.prepare.data}',
        '${outs.model}',
      ],
      // Only the declared keys: train.m2 and unused are not here.
      params: { train: { common: { batch: 10 }, m1: { lr: 0.1 } } },
      deps: { 'prepare.data': ['artifacts/pipeline/prepare/data'] },
      files: [],
      outs: { model: 'artifacts/pipeline/models/m1' },
      metrics: {},
      plots: {},
    });
  });

  it('expands `stage@*` to every matrix combination and records metrics', async () => {
    const projects = await nodesOf('pipelines/pipeline.yaml');
    const report = projects['pipelines/pipeline/report'];
    expect(report.targets.run.dependsOn).toEqual([{ projects: ['pipeline--train@m1', 'pipeline--train@m2'], target: 'run' }]);
    expect(report.targets.run.inputs.filter((/** @type {any} */ i) => i.includeIgnored)).toEqual([
      { fileset: '{workspaceRoot}/artifacts/pipeline/models/m1', includeIgnored: true },
      { fileset: '{workspaceRoot}/artifacts/pipeline/models/m2', includeIgnored: true },
      { fileset: '!{workspaceRoot}/artifacts/pipeline/models/m1/provenance.json', includeIgnored: true },
      { fileset: '!{workspaceRoot}/artifacts/pipeline/models/m2/provenance.json', includeIgnored: true },
    ]);
    expect(report.targets.run.inputs[0]).toEqual({ input: 'production', projects: ['gamma'] });
    expect(report.targets.run.outputs).toEqual(['{workspaceRoot}/artifacts/pipeline/report/score.json']);
    expect(report.metadata.pipeline.metrics).toEqual({ score: 'artifacts/pipeline/report/score.json' });
    expect(report.targets.run.inputs.at(-1)).toEqual({ externalDependencies: ['execa', 'yaml'] });
  });

  it('matches the snapshot', async () => {
    expect(await nodesOf('pipelines/pipeline.yaml')).toMatchSnapshot();
  });

  it('puts only the stage\'s own params into its configuration', async () => {
    const before = await nodesOf('pipelines/pipeline.yaml');
    const params = path.join(root, 'pipelines/params/default.yaml');
    const original = fs.readFileSync(params, 'utf8');
    try {
      fs.writeFileSync(params, original.replace('m2: {lr: 0.2}', 'm2: {lr: 0.3}').replace('x: 1', 'x: 2'));
      const after = await nodesOf('pipelines/pipeline.yaml');
      const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
      expect(changed).toEqual(['pipelines/pipeline/train@m2']);
    } finally {
      fs.writeFileSync(params, original);
    }
  });

  it('is unaffected by the order of keys in the params file', async () => {
    const before = await nodesOf('pipelines/pipeline.yaml');
    const params = path.join(root, 'pipelines/params/default.yaml');
    const original = fs.readFileSync(params, 'utf8');
    try {
      fs.writeFileSync(params, original.replace('  size: 3\n  seed: 1\n', '  seed: 1\n  size: 3\n'));
      expect(await nodesOf('pipelines/pipeline.yaml')).toEqual(before);
    } finally {
      fs.writeFileSync(params, original);
    }
  });

  it('hashes tsconfig files for tsx commands and declared files, and honours the options', async () => {
    writeFiles(root, {
      'pipelines/opts.yaml': `stages:
  check:
    package: gamma
    cmd: [tsx, packages/gamma/src/check.ts, "\${deps.shared/table.csv}"]
    deps: [./shared/table.csv]
    npm: [execa]
    plots:
      curve: plots/curve.csv
`,
    });
    try {
      const projects = await nodesOf('pipelines/opts.yaml', {
        targetName: 'stage',
        allTargetName: 'everything',
        artifactsDir: 'out',
        env: ['A', 'B'],
        externalDependencies: ['yaml', 'not-installed'],
        inputs: [{ runtime: 'node --version' }],
      });
      const t = projects['pipelines/opts/check'].targets.stage;
      expect(t.inputs).toEqual([
        { input: 'production', projects: ['gamma'] },
        { fileset: '{workspaceRoot}/tools/nx-pipeline/*.js' },
        { fileset: '{workspaceRoot}/tools/nx-pipeline/*.mjs' },
        { fileset: '{workspaceRoot}/tools/nx-pipeline/lib/**/*.js' },
        { fileset: '{workspaceRoot}/tools/package.json' },
        { fileset: '{workspaceRoot}/tsconfig.json' },
        { fileset: '{workspaceRoot}/tsconfig.base.json' },
        { fileset: '{workspaceRoot}/shared/table.csv', includeIgnored: true },
        { env: 'A' },
        { env: 'B' },
        // tsx from the command; a package missing from the lockfile is dropped (Nx would refuse the task).
        { externalDependencies: ['execa', 'tsx', 'yaml'] },
        { runtime: 'node --version' },
      ]);
      expect(t.outputs).toEqual(['{workspaceRoot}/out/opts/plots/curve.csv']);
      expect(projects['pipelines/opts'].targets.everything.dependsOn).toEqual([{ projects: ['opts--check'], target: 'stage' }]);
    } finally {
      fs.rmSync(path.join(root, 'pipelines/opts.yaml'));
    }
  });

  it('resolves the shipped pipelines of the repository: the data stage in each profile', async () => {
    const real = createRequire(import.meta.url)(path.join(REPO_ROOT, 'tools/nx-pipeline/index.js'));
    const files = ['pipelines/pipeline.yaml', 'pipelines/sweep.yaml'];
    const results = await real.createNodesV2[1](files, {}, { workspaceRoot: REPO_ROOT, nxJsonConfiguration: {} });
    /** @type {Record<string, any>} */
    const byName = {};
    for (const [, r] of results) for (const p of Object.values(r.projects)) byName[/** @type {any} */ (p).name] = p;
    for (const p of ['pipeline', 'smoke', 'paper', 'sweep', 'sweep-paper', 'sweep-smoke']) {
      const run = byName[`${p}--build-datasets`].targets.run;
      expect(run.options.stage.package).toBe('data');
      expect(run.options.stage.cmd.slice(0, 2)).toEqual(['tsx', 'packages/data/src/cli.ts']);
      expect(run.outputs).toEqual([`{workspaceRoot}/artifacts/${p}/datasets`]);
      expect(run.inputs[0]).toEqual({ input: 'production', projects: ['contracts', 'data'] });
      expect(byName[p].targets.all.dependsOn[0].projects).toContain(`${p}--build-datasets`);
    }
    // The profiles' overrides: the default profile trains three VAEs, the others four;
    // each is evaluated in its own stage and the report merges the evaluations.
    const models = (/** @type {string} */ p) => {
      const cmd = byName[`${p}--evaluate`].targets.run.options.stage.cmd;
      return cmd.slice(cmd.indexOf('--evaluated') + 1, cmd.indexOf('--judge'));
    };
    expect(models('pipeline')).toEqual([
      'sgvae=${deps.evaluate-model@sgvae.evaluation}',
      'svae=${deps.evaluate-model@svae.evaluation}',
      'svae-aug=${deps.evaluate-model@svae-aug.evaluation}',
    ]);
    expect(models('smoke')).toEqual([
      'sgvae=${deps.evaluate-model@sgvae.evaluation}',
      'sgvae-so2=${deps.evaluate-model@sgvae-so2.evaluation}',
      'svae=${deps.evaluate-model@svae.evaluation}',
      'svae-aug=${deps.evaluate-model@svae-aug.evaluation}',
    ]);
    const evaluateModel = (/** @type {string} */ name) => byName[name].targets.run.options.stage;
    expect(evaluateModel('pipeline--evaluate-model@svae').cmd).toContain('svae=${deps.train-vae@svae.model}');
    // The equivariant encoders' evaluations take both cores; the others run beside a training stage on one.
    expect([evaluateModel('pipeline--evaluate-model@sgvae').threads, evaluateModel('pipeline--evaluate-model@svae').threads]).toEqual([2, 1]);
    expect(evaluateModel('smoke--evaluate-model@sgvae-so2').threads).toBe(2);
    expect(byName['pipeline--evaluate-model@sgvae-so2']).toBeUndefined();
    expect(byName['paper--train-vae-seed@sgvae-so2-3']).toBeDefined();
    expect(byName['pipeline--train-vae-seed@sgvae-so2-3']).toBeUndefined();
    expect(Object.keys(byName).filter((n) => n.startsWith('sweep-smoke--train-vae@'))).toHaveLength(8);
    expect(Object.keys(byName).filter((n) => n.startsWith('sweep--train-vae@'))).toHaveLength(30);
    const total = (/** @type {string} */ p) => byName[`${p}--build-datasets`].targets.run.options.stage.params.data.subset.total;
    expect(total('smoke')).toBeLessThan(5000);
    expect(total('paper')).toBe(35000);
    // The provenance file the plugin leaves out of downstream hashes is the one the data stage writes.
    const { DEFAULT_OPTIONS } = createRequire(import.meta.url)(path.join(REPO_ROOT, 'tools/nx-pipeline/lib/nodes.js'));
    expect(fs.readFileSync(path.join(REPO_ROOT, 'packages/contracts/src/dataset-manifest.ts'), 'utf8')).toContain(
      `export const PROVENANCE_FILE = '${DEFAULT_OPTIONS.provenanceFile}';`,
    );
  });
  it('accepts the example of pipelines/README.md', async () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'pipelines/README.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(example).toContain('stages:');
    /** @type {Record<string, string>} */
    const pkgs = {};
    for (const name of ['data', 'train', 'eval']) {
      pkgs[`packages/${name}/package.json`] = JSON.stringify({ name: `@readme/${name}`, version: '0.0.0' });
      pkgs[`packages/${name}/project.json`] = JSON.stringify({ name, targets: {} });
    }
    writeFiles(root, {
      ...pkgs,
      'pipelines/readme.yaml': example.replace('params/default.yaml', 'params/readme.yaml'),
      'pipelines/params/readme.yaml': 'data: {seed: 1}\ntrain:\n  common: {epochs: 1}\n  sgvae: {beta: 0.1}\n  svae: {beta: 0.1}\n',
    });
    try {
      const projects = await nodesOf('pipelines/readme.yaml');
      expect(Object.values(projects).map((/** @type {any} */ p) => p.name)).toEqual([
        'readme--build-datasets',
        'readme--train@sgvae-0.1',
        'readme--train@sgvae-1',
        'readme--train@svae-0.1',
        'readme--train@svae-1',
        'readme--report',
        'readme',
      ]);
      expect(projects['pipelines/readme/train@svae-1'].targets.run.options.stage.params).toEqual({
        train: { common: { epochs: 1 }, svae: { beta: 0.1 } },
      });
      expect(projects['pipelines/readme/report'].targets.run.dependsOn[0].projects).toHaveLength(4);
    } finally {
      for (const name of ['data', 'train', 'eval']) fs.rmSync(path.join(root, 'packages', name), { recursive: true });
      fs.rmSync(path.join(root, 'pipelines/readme.yaml'));
    }
  });
});

/** A file with two profiles; `report` reads every model through `foreach`. */
const PROFILES_YAML = `profiles:
  small:
    desc: Small
    params: params/default.yaml
    stages:
      train:
        desc: One model
        matrix:
          model: [m1]
  big:
    params: params/big.yaml
desc: Default description
stages:
  prepare:
    package: alpha
    cmd: [node, packages/alpha/src/prepare.mjs, "\${params}", "\${outs.data}", "\${stage}"]
    params: [prepare]
    outs:
      data: prepare/data
  train:
    matrix:
      model: [m1, m2]
    package: beta
    cmd: [node, packages/beta/src/train.mjs, "\${stage}", "\${item.model}", "\${value.train.\${item.model}.lr}", "\${deps.prepare.data}", "\${outs.model}"]
    params: [train.common, "train.\${item.model}"]
    deps: [prepare.data]
    outs:
      model: models/\${item.model}
  report:
    package: gamma
    cmd:
      - node
      - packages/gamma/src/report.mjs
      - \${stage}
      - \${outs.score}
      - foreach: train
        do: \${each.model}=\${deps.train@\${each.model}.model}
    deps:
      - foreach: train
        do: train@\${each.model}.model
    metrics:
      score: report/score.json
`;

/** The same report stage written out by hand, for the `big` profile's two models. */
const BIG_BY_HAND = PROFILES_YAML.slice(PROFILES_YAML.indexOf('stages:\n  prepare:'))
  .replace(
    '      - foreach: train\n        do: \\${each.model}=\\${deps.train@\\${each.model}.model}\n'.replace(/\\\$/g, '$'),
    '      - m1=${deps.train@m1.model}\n      - m2=${deps.train@m2.model}\n',
  )
  .replace('      - foreach: train\n        do: train@${each.model}.model\n', '      - train@m1.model\n      - train@m2.model\n');

describe('profiles and foreach', () => {
  const BIG_PARAMS = PARAMS_YAML.replace('size: 3', 'size: 30');

  /**
   * @param {Record<string, string>} pipelines name -> text
   */
  async function projectsOf(pipelines) {
    writeFiles(root, { 'pipelines/params/big.yaml': BIG_PARAMS });
    const files = Object.keys(pipelines).map((n) => `pipelines/${n}.yaml`);
    writeFiles(root, Object.fromEntries(Object.entries(pipelines).map(([n, t]) => [`pipelines/${n}.yaml`, t])));
    try {
      const results = await plugin.createNodesV2[1](files, {}, { workspaceRoot: root, nxJsonConfiguration: {} }).catch((/** @type {any} */ e) => {
        throw e.errors?.[0]?.[1] ?? e;
      });
      /** @type {Record<string, any>} */
      const byName = {};
      for (const [, r] of results) for (const p of Object.values(r.projects)) byName[/** @type {any} */ (p).name] = p;
      return byName;
    } finally {
      for (const f of files) fs.rmSync(path.join(root, f), { force: true });
    }
  }

  it('gives one pipeline per profile, each with its params file and the stage fields it replaces', async () => {
    const byName = await projectsOf({ prof: PROFILES_YAML });
    expect(Object.keys(byName)).toEqual([
      'small--prepare',
      'small--train@m1',
      'small--report',
      'small',
      'big--prepare',
      'big--train@m1',
      'big--train@m2',
      'big--report',
      'big',
    ]);
    expect(byName['small--prepare'].targets.run.options.stage.params).toEqual({ prepare: { seed: 1, size: 3 } });
    expect(byName['big--prepare'].targets.run.options.stage.params).toEqual({ prepare: { seed: 1, size: 30 } });
    expect(byName['small--train@m1'].metadata.description).toBe('One model');
    expect(byName['big--train@m1'].metadata.description).toMatch(/^Runs node /);
    // A profile without `desc` takes the file's.
    expect(byName.small.metadata.description).toBe('Small');
    expect(byName.big.metadata.description).toBe('Default description');
    expect(byName.big.metadata.pipeline).toEqual({ pipeline: 'big', file: 'pipelines/prof.yaml', params: 'pipelines/params/big.yaml', artifacts: 'artifacts/big' });
    expect(byName.big.targets.all.metadata.description).toBe('Runs every stage of profile `big` of pipelines/prof.yaml except the optional ones');
    expect(byName['small--report'].targets.run.options.stage.cmd.slice(4)).toEqual(['m1=${deps.train@m1.model}']);
  });

  it('a profile gives the same projects as a file of its own, and foreach the same command and deps as the items written out', async () => {
    const profiled = await projectsOf({ prof: PROFILES_YAML });
    const plain = await projectsOf({ big: `desc: Default description\nparams: params/big.yaml\n${BIG_BY_HAND}` });
    expect(BIG_BY_HAND).not.toContain('foreach');
    const strip = (/** @type {any} */ p) => ({ ...p, metadata: undefined, targets: { run: { ...p.targets.run, metadata: undefined } } });
    for (const name of ['big--prepare', 'big--train@m1', 'big--train@m2', 'big--report']) {
      expect(strip(profiled[name])).toEqual(strip(plain[name]));
    }
    const report = profiled['big--report'].targets.run.options.stage;
    expect(report.cmd.slice(4)).toEqual(['m1=${deps.train@m1.model}', 'm2=${deps.train@m2.model}']);
    expect(Object.keys(report.deps)).toEqual(['train@m1.model', 'train@m2.model']);
  });

  it('foreach adds every string of `do` per combination, first matrix key slowest', async () => {
    const yaml = stage(`  grid:
    matrix: {a: [x, y], b: ["1", "2"]}
    package: alpha
    cmd: [node, packages/alpha/src/prepare.mjs, "\${outs.o}"]
    outs: {o: "grid/\${item.a}-\${item.b}"}
  use:
    package: alpha
    cmd:
      - node
      - packages/alpha/src/prepare.mjs
      - foreach: grid
        do: ["--\${each.a}", "\${each.b}:\${deps.grid@\${each.a}-\${each.b}.o}"]
    deps:
      - prepare.data
      - {foreach: grid, do: "grid@\${each.a}-\${each.b}.o"}
`).replace('params: params/bad.yaml', 'params: params/big.yaml');
    const byName = await projectsOf({ fe: yaml });
    const use = byName['fe--use'].targets.run.options.stage;
    expect(use.cmd.slice(2)).toEqual([
      '--x', '1:${deps.grid@x-1.o}', '--x', '2:${deps.grid@x-2.o}', '--y', '1:${deps.grid@y-1.o}', '--y', '2:${deps.grid@y-2.o}',
    ]);
    expect(Object.keys(use.deps)).toEqual(['prepare.data', 'grid@x-1.o', 'grid@x-2.o', 'grid@y-1.o', 'grid@y-2.o']);
  });

  it('the runner finds the file that defines a pipeline, by file name or by profile', async () => {
    const { findPipelineFile } = createRequire(import.meta.url)(path.join(root, 'tools/nx-pipeline/lib/load.js'));
    const { readPipeline } = createRequire(import.meta.url)(path.join(root, 'tools/nx-pipeline/lib/pipeline.js'));
    const { readWorkspace } = createRequire(import.meta.url)(path.join(root, 'tools/nx-pipeline/lib/workspace.js'));
    writeFiles(root, { 'pipelines/prof.yaml': PROFILES_YAML, 'pipelines/params/big.yaml': BIG_PARAMS });
    try {
      expect(findPipelineFile(root, 'big')).toBe('pipelines/prof.yaml');
      expect(findPipelineFile(root, 'pipeline')).toBe('pipelines/pipeline.yaml');
      // A file with profiles is not a pipeline of its own.
      expect(findPipelineFile(root, 'prof')).toBeUndefined();
      const big = readPipeline(readWorkspace(root), 'pipelines/prof.yaml', { artifactsDir: 'artifacts' }, 'big');
      expect(big.profile).toBe('big');
      expect(big.stages.map((/** @type {any} */ s) => s.name)).toEqual(['prepare', 'train@m1', 'train@m2', 'report']);
      // The fingerprints the runner checks are the ones the plugin hashed.
      const byName = await projectsOf({ prof: PROFILES_YAML });
      expect(byName['big--report'].targets.run.options.command).toContain(`--fingerprint ${big.stages[3].fingerprint} `);
    } finally {
      fs.rmSync(path.join(root, 'pipelines/prof.yaml'), { force: true });
    }
  });

  it('accepts the profiles example of pipelines/README.md', async () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'pipelines/README.md'), 'utf8');
    const example = /### Profiles[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(example).toContain('profiles:');
    const train = { sgvae: { beta: 1 }, 'sgvae-so2': { beta: 1 }, svae: { beta: 1 }, 'svae-aug': { beta: 1 } };
    writeFiles(root, {
      'packages/train/package.json': JSON.stringify({ name: '@readme/train', version: '0.0.0' }),
      'packages/train/project.json': JSON.stringify({ name: 'train', targets: {} }),
      'pipelines/params/default.yaml': `${PARAMS_YAML.replace(/^train:[\s\S]*?^unused:/m, 'unused:')}train: ${JSON.stringify(train)}\n`,
      'pipelines/params/smoke.yaml': `train: ${JSON.stringify(train)}\n`,
    });
    try {
      const byName = await projectsOf({ readme: example });
      expect(Object.keys(byName)).toEqual([
        'pipeline--train-vae@sgvae',
        'pipeline--train-vae@svae',
        'pipeline--train-vae@svae-aug',
        'pipeline',
        'smoke--train-vae@sgvae',
        'smoke--train-vae@sgvae-so2',
        'smoke--train-vae@svae',
        'smoke--train-vae@svae-aug',
        'smoke',
      ]);
    } finally {
      fs.rmSync(path.join(root, 'packages/train'), { recursive: true });
      fs.rmSync(path.join(root, 'pipelines/params/smoke.yaml'));
      writeFiles(root, { 'pipelines/params/default.yaml': PARAMS_YAML });
    }
  });

  it('errors in profiles: unknown keys, stages and fields, bad names and shapes, a pipeline defined twice', async () => {
    const key = await errorOf(PROFILES_YAML.replace('  big:\n    params:', '  big:\n    parms:'), { files: { 'pipelines/params/big.yaml': BIG_PARAMS } });
    expect(key).toBeInstanceOf(plugin.errors.UnknownKeyError);
    expect(key.message).toBe(
      'pipelines/bad.yaml:11: has an unknown key `parms` in profile `big` (did you mean `params`?); allowed keys are `desc`, `params`, `stages`',
    );
    const stageName = await errorOf(PROFILES_YAML.replace('    stages:\n      train:', '    stages:\n      trian:'));
    expect(stageName).toBeInstanceOf(plugin.errors.UnknownStageError);
    expect(stageName.message).toBe(
      'pipelines/bad.yaml:6: profile `small` overrides the stage `trian`, which is not under `stages:` (did you mean `train`?); override one of `prepare`, `train`, `report` (a profile changes fields of existing stages; it cannot add stages)',
    );
    const field = await errorOf(PROFILES_YAML.replace('        matrix:\n          model: [m1]', '        matirx:\n          model: [m1]'));
    expect(field).toBeInstanceOf(plugin.errors.UnknownKeyError);
    expect(field.message).toContain("pipelines/bad.yaml:8: has an unknown key `matirx` in profile `small`'s override of stage `train` (did you mean `matrix`?)");
    const shape = await errorOf(PROFILES_YAML.replace('    stages:\n      train:\n        desc: One model\n        matrix:\n          model: [m1]\n', '    stages:\n      train: [m1]\n'));
    expect(shape).toBeInstanceOf(plugin.errors.PipelineSchemaError);
    expect(shape.message).toContain('profile `small` overrides stage `train` with something other than a mapping of fields');
    const notMap = await errorOf(PROFILES_YAML.replace(/^profiles:\n[\s\S]*?desc: Default/m, 'profiles: [small, big]\ndesc: Default'));
    expect(notMap.message).toContain('`profiles` must map profile names to profiles');
    const name = await errorOf(PROFILES_YAML.replace('  big:\n', '  big--x:\n'));
    expect(name.message).toContain('pipelines/bad.yaml:10: profile name `big--x` is not allowed');
    const empty = await errorOf(PROFILES_YAML.replace('  big:\n    params: params/big.yaml\n', '  big:\n'));
    expect(empty.message).toContain('profile `big` must be a mapping');

    // An error in a stage names the profile it arose in.
    const param = await errorOf(PROFILES_YAML, { files: { 'pipelines/params/big.yaml': 'prepare: {size: 1}\n' } });
    expect(param).toBeInstanceOf(plugin.errors.MissingParamError);
    expect(param.message).toMatch(/^pipelines\/bad\.yaml:\d+: profile `big`, stage `train@m1` reads param `train\.common` but pipelines\/params\/big\.yaml has no `train`/);
    const matrix = await errorOf(PROFILES_YAML.replace('model: [m1]', 'model: [m1, m1]'));
    expect(matrix.message).toMatch(/^pipelines\/bad\.yaml:9: profile `small`, stage `train` `matrix\.model` lists `m1` twice/);

    // Two files defining one pipeline.
    writeFiles(root, { 'pipelines/twice.yaml': PROFILES_YAML.replace('  big:', '  pipeline:'), 'pipelines/params/big.yaml': BIG_PARAMS });
    try {
      const e = await plugin.createNodesV2[1](['pipelines/pipeline.yaml', 'pipelines/twice.yaml'], {}, { workspaceRoot: root }).catch((/** @type {any} */ err) => err.errors[0]);
      expect(e[0]).toBe('pipelines/twice.yaml');
      expect(e[1]).toBeInstanceOf(plugin.errors.DuplicatePipelineError);
      expect(e[1].message).toContain('pipelines/twice.yaml: defines the pipeline `pipeline`, which pipelines/pipeline.yaml defines too');
    } finally {
      fs.rmSync(path.join(root, 'pipelines/twice.yaml'), { force: true });
    }
  });

  it('errors in foreach: unknown or plain stage, unknown key, missing `do`, outside cmd and deps, ${each} outside foreach', async () => {
    const withReport = (/** @type {string} */ item) => PROFILES_YAML.replace('      - foreach: train\n        do: \\${each.model}=\\${deps.train@\\${each.model}.model}\n'.replace(/\\\$/g, '$'), item);
    const unknown = await errorOf(withReport('      - {foreach: trian, do: "${each.model}"}\n'));
    expect(unknown).toBeInstanceOf(plugin.errors.UnknownStageError);
    expect(unknown.message).toMatch(
      /^pipelines\/bad\.yaml:\d+: profile `small`, stage `report` has `foreach: trian` in `cmd`, but there is no stage `trian` \(did you mean `train`\?\); name a stage with `matrix` as written under `stages:` \(`train`\)$/,
    );
    const plain = await errorOf(withReport('      - {foreach: prepare, do: x}\n'));
    expect(plain.message).toContain('has `foreach: prepare` in `cmd`, but stage `prepare` has no `matrix`');
    const key = await errorOf(withReport('      - {foreach: train, do: "${each.modle}"}\n'));
    expect(key).toBeInstanceOf(plugin.errors.PlaceholderError);
    expect(key.message).toContain('uses `${each.modle}` in a `foreach: train` item of `cmd`, but the matrix of `train` has no key `modle` (did you mean `model`?); use one of `${each.model}`');
    const noDo = await errorOf(withReport('      - {foreach: train}\n'));
    expect(noDo.message).toContain('has a `foreach` in `cmd` whose `do` is missing');
    const extra = await errorOf(withReport('      - {foreach: train, do: x, then: y}\n'));
    expect(extra).toBeInstanceOf(plugin.errors.UnknownKeyError);
    expect(extra.message).toContain('has an unknown key `then` in a `foreach` item of `cmd`; allowed keys are `foreach`, `do`');
    const field = await errorOf(PROFILES_YAML.replace('    params: [prepare]\n', '    params:\n      - {foreach: train, do: "train.${each.model}"}\n'));
    expect(field.message).toContain('stage `prepare` has a `foreach` item in `params`; `foreach` may be used in `cmd`, `deps` only');
    const outside = await errorOf(withReport('      - ${each.model}\n'));
    expect(outside).toBeInstanceOf(plugin.errors.PlaceholderError);
    expect(outside.message).toContain('uses `${each...}` in `cmd` (`${each.model}`) outside a `foreach` item');
  });
});

describe('validation errors (one per kind)', () => {
  it('malformed YAML', async () => {
    const e = await errorOf('stages:\n  a: [unclosed\n');
    expect(e).toBeInstanceOf(plugin.errors.PipelineYamlError);
    expect(e.message).toMatch(/^pipelines\/bad\.yaml:\d+: is not valid YAML/);
  });

  it('an unquoted placeholder inside [...] gets a hint', async () => {
    const e = await errorOf('stages:\n  a:\n    package: alpha\n    cmd: [node, x.js, ${outs.x}]\n');
    expect(e).toBeInstanceOf(plugin.errors.PipelineYamlError);
    expect(e.message).toContain('must be quoted (`"${outs.datasets}"`)');
  });

  it('unknown key, with a suggestion', async () => {
    const e = await errorOf(stage('    dpes: [x.y]\n'));
    expect(e).toBeInstanceOf(plugin.errors.UnknownKeyError);
    expect(e.message).toBe(
      'pipelines/bad.yaml:9: stage `prepare` has an unknown key `dpes` (did you mean `deps`?); allowed keys are `desc`, `package`, `cmd`, `params`, `deps`, `outs`, `metrics`, `plots`, `matrix`, `npm`, `optional`, `after`, `threads`',
    );
    const top = await errorOf('param: params/bad.yaml\nstages:\n  a: {package: alpha, cmd: [node]}\n');
    expect(top.message).toContain('unknown key `param` at the top level (did you mean `params`?)');
  });

  it('a value of the wrong type', async () => {
    const e = await errorOf('stages:\n  a:\n    package: alpha\n    cmd: node x.js\n');
    expect(e).toBeInstanceOf(plugin.errors.PipelineSchemaError);
    expect(e.message).toContain('stage `a` `cmd` must be a list');
  });

  it('a stage written twice', async () => {
    const e = await errorOf(stage('  prepare:\n    package: alpha\n    cmd: [node]\n'));
    expect(e).toBeInstanceOf(plugin.errors.DuplicateStageError);
    expect(e.message).toBe('pipelines/bad.yaml:9: stage `prepare` is defined twice; rename one of the two stages');
  });

  it('duplicate names after matrix expansion', async () => {
    const e = await errorOf(
      stage('  t:\n    matrix: {a: [x-y, x], b: [z, y-z]}\n    package: alpha\n    cmd: [node]\n'),
    );
    expect(e).toBeInstanceOf(plugin.errors.DuplicateStageError);
    expect(e.message).toContain('stage `t@x-y-z` is defined twice (first at line 9, produced by `matrix`)');
  });

  it('unknown package', async () => {
    const e = await errorOf('stages:\n  a:\n    package: alpah\n    cmd: [node]\n');
    expect(e).toBeInstanceOf(plugin.errors.UnknownPackageError);
    expect(e.message).toContain('names the package `alpah`, which is not a workspace package (did you mean `alpha`?); use one of');
  });

  it('unknown stage reference', async () => {
    const e = await errorOf(stage('  train:\n    package: beta\n    cmd: [node]\n    deps: [prepaer.data]\n'));
    expect(e).toBeInstanceOf(plugin.errors.UnknownStageError);
    expect(e.message).toContain('stage `train` reads `prepaer.data` but there is no stage `prepaer` (did you mean `prepare`?)');
  });

  it('unknown output reference', async () => {
    const e = await errorOf(stage('  train-sgvae:\n    package: beta\n    cmd: [node]\n    deps: [prepare.rotated]\n'));
    expect(e).toBeInstanceOf(plugin.errors.UnknownOutputError);
    expect(e.message).toBe(
      'pipelines/bad.yaml:9: stage `train-sgvae` reads `prepare.rotated` but no stage writes it; add `rotated` to the outs of `prepare` (it has `data`)',
    );
  });

  it('a dependency cycle', async () => {
    const e = await errorOf(
      'stages:\n  a:\n    package: alpha\n    cmd: [node]\n    deps: [b.o]\n    outs: {o: a}\n  b:\n    package: alpha\n    cmd: [node]\n    deps: [a.o]\n    outs: {o: b}\n',
    );
    expect(e).toBeInstanceOf(plugin.errors.PipelineCycleError);
    expect(e.message).toContain('is part of a dependency cycle: `a` -> `b` -> `a`; remove one of these `deps`');
  });

  it('a param missing from the params file', async () => {
    const e = await errorOf(stage('  train:\n    package: beta\n    cmd: [node]\n    params: [train.sgvae.beta]\n'));
    expect(e).toBeInstanceOf(plugin.errors.MissingParamError);
    expect(e.message).toBe(
      'pipelines/bad.yaml:9: stage `train` reads param `train.sgvae.beta` but pipelines/params/bad.yaml has no `train.sgvae`; add `train.sgvae` to pipelines/params/bad.yaml or remove `train.sgvae.beta` from the stage\'s `params`',
    );
  });

  it('a missing or malformed params file', async () => {
    const missing = await errorOf(stage('').replace('params/bad.yaml', 'params/nope.yaml'));
    expect(missing).toBeInstanceOf(plugin.errors.ParamsFileError);
    expect(missing.message).toContain('names the params file `pipelines/params/nope.yaml`, which cannot be read');
    const malformed = await errorOf(stage(''), { params: 'prepare: [\n' });
    expect(malformed).toBeInstanceOf(plugin.errors.ParamsFileError);
    expect(malformed.message).toMatch(/^pipelines\/params\/bad\.yaml:\d+: is not valid YAML/);
  });

  it('an output outside the workspace', async () => {
    const abs = await errorOf(stage('').replace('data: prepare/data', 'data: /etc/data'));
    expect(abs).toBeInstanceOf(plugin.errors.OutputPathError);
    expect(abs.message).toContain('writes `outs.data` to `/etc/data`, which is outside the workspace');
    const up = await errorOf(stage('').replace('data: prepare/data', 'data: ../../../data'));
    expect(up).toBeInstanceOf(plugin.errors.OutputPathError);
    expect(up.message).toContain('which is outside the workspace');
    const sibling = await errorOf(stage('').replace('data: prepare/data', 'data: ../smoke/data'));
    expect(sibling).toBeInstanceOf(plugin.errors.OutputPathError);
    expect(sibling.message).toContain("outside the pipeline's artifact folder artifacts/bad/");
  });

  it('an output shared by two stages, or nested in another', async () => {
    const same = await errorOf(stage('  b:\n    package: alpha\n    cmd: [node]\n    outs: {copy: prepare/data}\n'));
    expect(same).toBeInstanceOf(plugin.errors.OutputConflictError);
    expect(same.message).toBe(
      'pipelines/bad.yaml:9: stage `b` writes `copy` to artifacts/bad/prepare/data, which is also `data` of stage `prepare` (artifacts/bad/prepare/data); give every output its own path; no output may lie inside another',
    );
    const nested = await errorOf(stage('  b:\n    package: alpha\n    cmd: [node]\n    outs: {part: prepare/data/part}\n'));
    expect(nested).toBeInstanceOf(plugin.errors.OutputConflictError);
    expect(nested.message).toContain('which overlaps `data` of stage `prepare`');
  });

  it('a placeholder the stage cannot fill', async () => {
    const cases = [
      ['${outs.date}', 'has no output `date` (did you mean `data`?)'],
      ['${params.train}', 'does not declare the param `train`'],
      ['${deps.prepare.data}', '`prepare.data` is not in its `deps`'],
      ['${item.model}', 'has no `matrix`'],
      ['${out.data}', 'unknown placeholder `${out.data}`'],
      ['${value.prepare}', '`prepare` is a mapping'],
    ];
    for (const [placeholder, message] of cases) {
      const e = await errorOf(stage('').replace('"${stage}"', `"${placeholder}"`));
      expect(e).toBeInstanceOf(plugin.errors.PlaceholderError);
      expect(e.message).toContain(message);
    }
  });

  it('a script outside every input of the stage', async () => {
    const e = await errorOf(stage('').replace('packages/alpha/src/prepare.mjs', 'scripts/prepare.mjs'));
    expect(e).toBeInstanceOf(plugin.errors.UntrackedScriptError);
    expect(e.message).toContain('move it into packages/alpha or list it in `deps` as `./scripts/prepare.mjs`');
  });

  it('names that cannot be used', async () => {
    const badPipeline = await errorOf(stage(''), { name: 'a--b' });
    expect(badPipeline).toBeInstanceOf(plugin.errors.PipelineSchemaError);
    expect(badPipeline.message).toContain('pipeline name `a--b`');
    const badStage = await errorOf('stages:\n  "a b":\n    package: alpha\n    cmd: [node]\n');
    expect(badStage.message).toContain('stage name `a b` is not allowed');
  });

  it('bad plugin options', async () => {
    await expect(plugin.createNodesV2[1](['pipelines/pipeline.yaml'], { artifactDir: 'x' }, { workspaceRoot: root })).rejects.toThrow(
      'the nx-pipeline plugin has no option `artifactDir` (did you mean `artifactsDir`?)',
    );
    await expect(plugin.createNodesV2[1](['pipelines/pipeline.yaml'], { artifactsDir: '../out' }, { workspaceRoot: root })).rejects.toThrow(
      'option `artifactsDir` must be a workspace-relative folder',
    );
    await expect(plugin.createNodesV2[1](['pipelines/pipeline.yaml'], { provenanceFile: 'a/b.json' }, { workspaceRoot: root })).rejects.toThrow(
      'option `provenanceFile` must be a file name (no folder)',
    );
    // The repository's copy of the plugin serving the fixture: the runner would be outside it.
    const outside = createRequire(import.meta.url)(path.join(REPO_ROOT, 'tools/nx-pipeline/index.js'));
    const e = await outside.createNodesV2[1](['pipelines/pipeline.yaml'], {}, { workspaceRoot: root }).catch((/** @type {any} */ err) => err.errors[0][1]);
    expect(e).toBeInstanceOf(outside.errors.PipelineSchemaError);
    expect(e.message).toContain('outside the workspace');
  });
});

describe('pieces', () => {
  it('explains the signals that kill native code, and admits the ones it does not know', () => {
    const { signalAdvice } = createRequire(import.meta.url)(path.join(root, 'tools/nx-pipeline/lib/signals.js'));
    expect(signalAdvice('SIGKILL')).toMatch(/^SIGKILL usually means .*out-of-memory killer\. Check `dmesg`/);
    expect(signalAdvice('SIGILL')).toMatch(/instruction this CPU does not have/);
    expect(signalAdvice('SIGUSR2')).toBe('SIGUSR2 is not one the runner knows; see the output above');
  });

  it('substitutes placeholders into an argument array', () => {
    const { expandCommand } = plugin.placeholders ?? createRequire(import.meta.url)(path.join(root, 'tools/nx-pipeline/lib/placeholders.js'));
    const argv = expandCommand(
      ['tool', '--p', '${params}', '--d', '${params.data}', '--seed=${value.data.seed}', '${deps.t@*.m}', 'x-${stage}-${pipeline}', '${artifacts}', '${file}'],
      {
        file: 'pipelines/f.yaml',
        line: 1,
        stage: 's',
        pipeline: 'p',
        artifacts: 'artifacts/p',
        paramKeys: ['data'],
        params: { data: { seed: 7 } },
        outputs: {},
        deps: { 't@*.m': ['a/1', 'a/2'] },
        matrices: { t: [{ stage: 't@x', item: { k: 'x' } }] },
      },
      () => '/tmp/params.json',
      (/** @type {string} */ key) => `/tmp/params.${key}.json`,
      (/** @type {string} */ stage) => `/tmp/matrix-${stage}.json`,
    );
    expect(argv).toEqual(['tool', '--p', '/tmp/params.json', '--d', '/tmp/params.data.json', '--seed=7', 'a/1', 'a/2', 'x-s-p', 'artifacts/p', 'pipelines/f.yaml']);
    const grid = expandCommand(['tool', '--grid', '${matrix.t}'], { file: 'f', line: 1, stage: 's', pipeline: 'p', artifacts: 'a', paramKeys: [], params: {}, outputs: {}, deps: {}, matrices: { t: [] } }, () => '', () => '', (/** @type {string} */ stage) => `/tmp/matrix-${stage}.json`);
    expect(grid).toEqual(['tool', '--grid', '/tmp/matrix-t.json']);
  });

  it('schema.json describes the keys the loader accepts', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'pipelines/schema.json'), 'utf8'));
    const { TOP_KEYS, STAGE_KEYS } = createRequire(import.meta.url)(path.join(root, 'tools/nx-pipeline/lib/load.js'));
    expect(Object.keys(schema.properties).sort()).toEqual([...TOP_KEYS].sort());
    expect(Object.keys(schema.$defs.stage.properties).sort()).toEqual([...STAGE_KEYS].sort());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.$defs.stage.additionalProperties).toBe(false);
  });
});
