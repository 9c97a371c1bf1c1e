// @ts-check
// Runs the real `nx` binary in a fixture workspace, and reads which stages ran.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from './fixture-workspace.mjs';

const NX_BIN = path.join(REPO_ROOT, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');

/**
 * The environment of a fixture run: no daemon, no cloud, no TUI, plugins in
 * process, a cache
 * inside the fixture (so no test reads or writes the per-user cache under
 * ~/.nx), and none of the NX_* variables of an outer Nx task (NX_WORKSPACE_ROOT_PATH
 * would point the inner Nx at the real workspace).
 * @param {string} root
 * @param {Record<string, string | undefined>} [extra] variables to set; `undefined` removes one
 * @returns {Record<string, string>}
 */
export function fixtureEnv(root, extra = {}) {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('NX_') && k !== 'SGVAE_BACKEND') env[k] = v;
  }
  const all = {
    ...env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    // Plugins load in-process instead of in worker processes: halves the
    // start-up cost of each run (about 2 s of CPU on these machines) without
    // changing how tasks are hashed.
    NX_ISOLATE_PLUGINS: 'false',
    NX_CACHE_DIRECTORY: path.join(root, '.nx', 'cache'),
    NX_WORKSPACE_DATA_DIRECTORY: path.join(root, '.nx', 'workspace-data'),
    ...extra,
  };
  return /** @type {Record<string, string>} */ (Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)));
}

/**
 * @param {string} root
 * @param {string[]} args
 * @param {Record<string, string | undefined>} [env]
 */
export async function nx(root, args, env = {}) {
  return execa(process.execPath, [NX_BIN, ...args, '--output-style=static'], {
    cwd: root,
    env: fixtureEnv(root, env),
    extendEnv: false,
    reject: false,
    all: true,
  });
}

/**
 * Runs `nx run <target>` and returns the stages that ran (from their own log),
 * failing with Nx's output when Nx fails.
 * @param {string} root
 * @param {string} [target]
 * @param {Record<string, string | undefined>} [env]
 * @returns {Promise<string[]>}
 */
export async function runPipeline(root, target = 'pipeline:all', env = {}) {
  const result = await nx(root, ['run', target], env);
  if (result.exitCode !== 0) throw new Error(`nx run ${target} failed (${result.exitCode}):\n${result.all}`);
  return takeRuns(root);
}

/**
 * Stage names logged since the last call, sorted.
 * @param {string} root
 */
export function takeRuns(root) {
  const log = path.join(root, 'logs', 'runs.log');
  if (!fs.existsSync(log)) return [];
  const runs = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).sort();
  fs.rmSync(log);
  return runs;
}

/**
 * @param {string} root
 * @param {string} rel
 * @param {(text: string) => string} change
 */
export function edit(root, rel, change) {
  const file = path.join(root, rel);
  const before = fs.readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`edit of ${rel} changed nothing`);
  fs.writeFileSync(file, after);
}
