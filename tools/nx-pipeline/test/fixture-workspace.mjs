// @ts-check
// Temporary workspaces for the plugin's tests: three small packages with stage
// scripts, the plugin copied in (it must live inside the workspace it serves),
// and node_modules linked to the real workspace's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PLUGIN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(PLUGIN_DIR, '..', '..');

/**
 * @param {string} root
 * @param {Record<string, string>} files relative path -> content
 */
export function writeFiles(root, files) {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

// Each stage script appends its stage name to logs/runs.log (outside every
// input), so a test sees exactly which stages ran, whatever Nx prints.
const LOG = `import fs from 'node:fs';
export function logRun(stage) {
  fs.mkdirSync('logs', { recursive: true });
  fs.appendFileSync('logs/runs.log', stage + '\\n');
}
export function writeAtomically(dir, files) {
  const tmp = dir + '.tmp-' + process.pid;
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(tmp + '/' + rel.split('/').slice(0, -1).join('/'), { recursive: true });
    fs.writeFileSync(tmp + '/' + rel, content);
  }
  fs.renameSync(tmp, dir);
}
`;

/** Files of the fixture workspace (without pipelines). */
export function baseFiles() {
  return {
    'package.json': JSON.stringify(
      {
        name: 'fixture',
        private: true,
        type: 'module',
        workspaces: ['packages/*', 'tools'],
        dependencies: { execa: '9.6.0', yaml: '2.9.1' },
        devDependencies: { nx: '24.0.5', tsx: '4.23.15' },
      },
      null,
      2,
    ),
    '.gitignore': 'node_modules/\nartifacts/\n.nx/\nlogs/\n',
    'tsconfig.json': '{ "extends": "./tsconfig.base.json" }\n',
    'tsconfig.base.json': '{ "compilerOptions": { "strict": true } }\n',
    'tools/package.json': JSON.stringify({ name: '@fx/tools', version: '0.0.0', private: true, type: 'commonjs' }),
    // alpha: the data-like package; its shared helper is used by beta too.
    'packages/alpha/package.json': JSON.stringify({ name: '@fx/alpha', version: '0.0.0', type: 'module' }),
    'packages/alpha/project.json': JSON.stringify({ name: 'alpha', targets: {} }),
    'packages/alpha/README.md': '# alpha\n',
    'packages/alpha/src/index.js': "export const scale = 2;\nimport YAML from 'yaml';\nexport const y = YAML;\n",
    'packages/alpha/src/log.js': LOG,
    'packages/alpha/src/alpha.spec.ts': "import { it } from 'vitest';\nit('is a spec', () => {});\n",
    'packages/alpha/src/testing/helper.ts': "import { afterAll } from 'vitest';\nexport const h = afterAll;\n",
    'packages/alpha/src/prepare.mjs': `import fs from 'node:fs';
import { logRun, writeAtomically } from './log.js';
const [paramsFile, out, stage] = process.argv.slice(2);
logRun(stage);
const params = JSON.parse(fs.readFileSync(paramsFile, 'utf8'));
if (params.prepare.size < 0) {
  console.error('size must be positive');
  process.exit(3);
}
// Stands in for a native kernel that faults (what oneDNN did on some VMs).
if (params.prepare.size === 13) process.kill(process.pid, 'SIGFPE');
// provenance.json changes on every run, as a commit hash does between commits.
writeAtomically(out, {
  'values.json': JSON.stringify(params.prepare),
  'nested/deep/size.txt': String(params.prepare.size),
  'provenance.json': JSON.stringify({ builtAt: process.hrtime.bigint().toString() }),
});
`,
    // beta: the training-like package; imports alpha, so alpha's code is part of its stages' hash.
    'packages/beta/package.json': JSON.stringify({ name: '@fx/beta', version: '0.0.0', type: 'module' }),
    'packages/beta/project.json': JSON.stringify({ name: 'beta', targets: {} }),
    'packages/beta/src/uses-alpha.js': "import { scale } from '@fx/alpha';\nimport type { X } from 'not-a-runtime-dep';\nexport const s = scale;\n",
    'packages/beta/src/train.mjs': `import fs from 'node:fs';
import { logRun, writeAtomically } from '../../alpha/src/log.js';
const [stage, model, lr, data, out] = process.argv.slice(2);
logRun(stage);
const size = fs.readFileSync(data + '/nested/deep/size.txt', 'utf8');
writeAtomically(out, { 'model.json': JSON.stringify({ model, lr, size }) });
`,
    // gamma: the report-like package, independent of the others.
    'packages/gamma/package.json': JSON.stringify({ name: '@fx/gamma', version: '0.0.0', type: 'module' }),
    'packages/gamma/project.json': JSON.stringify({ name: 'gamma', targets: {} }),
    'packages/gamma/src/report.mjs': `import fs from 'node:fs';
import { logRun } from '../../alpha/src/log.js';
const [stage, out, ...models] = process.argv.slice(2);
logRun(stage);
const all = models.map((m) => JSON.parse(fs.readFileSync(m + '/model.json', 'utf8')));
fs.mkdirSync(out.split('/').slice(0, -1).join('/'), { recursive: true });
fs.writeFileSync(out + '.tmp', JSON.stringify({ models: all.length, all }));
fs.renameSync(out + '.tmp', out);
`,
  };
}

/** A pipeline with a plain stage, a matrix stage and a stage reading all of the matrix. */
export const PIPELINE_YAML = `# fixture pipeline
desc: Fixture
params: params/default.yaml
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
    cmd:
      - node
      - packages/beta/src/train.mjs
      - \${stage}
      - \${item.model}
      - \${value.train.\${item.model}.lr}
      - \${deps.prepare.data}
      - \${outs.model}
    params: [train.common, "train.\${item.model}"]
    deps: [prepare.data]
    outs:
      model: models/\${item.model}
  report:
    package: gamma
    cmd: [node, packages/gamma/src/report.mjs, "\${stage}", "\${outs.score}", "\${deps.train@*.model}"]
    deps: [train@*.model]
    metrics:
      score: report/score.json
`;

export const PARAMS_YAML = `prepare:
  size: 3
  seed: 1
train:
  common: {batch: 10}
  m1: {lr: 0.1}
  m2: {lr: 0.2}
unused:
  x: 1
`;

/**
 * A minimal npm v3 lockfile naming the packages the fixture may hash.
 * @returns {string}
 */
function lockfile() {
  const real = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8'));
  const packages = { '': { name: 'fixture', workspaces: ['packages/*', 'tools'] } };
  // The real entries (and their transitive deps) so Nx builds genuine npm nodes.
  for (const [key, entry] of Object.entries(real.packages)) {
    if (key.startsWith('node_modules/') && !(/** @type {any} */ (entry).link)) /** @type {any} */ (packages)[key] = entry;
  }
  for (const p of ['alpha', 'beta', 'gamma']) {
    /** @type {any} */ (packages)[`node_modules/@fx/${p}`] = { resolved: `packages/${p}`, link: true };
    /** @type {any} */ (packages)[`packages/${p}`] = { name: `@fx/${p}`, version: '0.0.0' };
  }
  return JSON.stringify({ name: 'fixture', lockfileVersion: 3, requires: true, packages }, null, 2);
}

/**
 * Creates a fixture workspace in a fresh temp folder.
 * @param {{pipelines?: Record<string, string>, params?: Record<string, string>, nxJson?: object, extra?: Record<string, string>}} [opts]
 * @returns {string} absolute root
 */
export function makeWorkspace(opts = {}) {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nx-pipeline-fixture-')));
  writeFiles(root, baseFiles());
  writeFiles(root, {
    'package-lock.json': lockfile(),
    'nx.json': JSON.stringify(
      opts.nxJson ?? {
        analytics: false,
        neverConnectToCloud: true,
        namedInputs: {
          default: ['{projectRoot}/**/*'],
          production: [
            'default',
            '!{projectRoot}/**/*.spec.ts',
            '!{projectRoot}/**/*.md',
            '!{projectRoot}/bench/**/*',
            '!{projectRoot}/src/testing/**/*',
            '!{projectRoot}/vitest.config.ts',
          ],
        },
        plugins: [{ plugin: './tools/nx-pipeline', options: {} }],
      },
      null,
      2,
    ),
  });
  for (const [name, text] of Object.entries(opts.pipelines ?? { pipeline: PIPELINE_YAML })) {
    writeFiles(root, { [`pipelines/${name}.yaml`]: text });
  }
  for (const [name, text] of Object.entries(opts.params ?? { default: PARAMS_YAML })) {
    writeFiles(root, { [`pipelines/params/${name}.yaml`]: text });
  }
  writeFiles(root, opts.extra ?? {});
  copyPlugin(root);
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

/**
 * The runtime files of the plugin (not its tests).
 * @param {string} root
 */
export function copyPlugin(root) {
  const dest = path.join(root, 'tools', 'nx-pipeline');
  fs.mkdirSync(path.join(dest, 'lib'), { recursive: true });
  for (const f of fs.readdirSync(PLUGIN_DIR)) {
    if (/\.(?:js|mjs)$/.test(f)) fs.copyFileSync(path.join(PLUGIN_DIR, f), path.join(dest, f));
  }
  for (const f of fs.readdirSync(path.join(PLUGIN_DIR, 'lib'))) {
    fs.copyFileSync(path.join(PLUGIN_DIR, 'lib', f), path.join(dest, 'lib', f));
  }
}

/** @param {string} root */
export function removeWorkspace(root) {
  fs.rmSync(root, { recursive: true, force: true });
}
