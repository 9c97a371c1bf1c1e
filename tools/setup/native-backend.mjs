#!/usr/bin/env node
// @ts-check
// Provisions the native TensorFlow backend that training needs
// (@tensorflow/tfjs-node, or @tensorflow/tfjs-node-gpu on request).
//
// Routes, in order, stopping at the first one that gives a working backend:
//   0. the package already loads (nothing to do; this is the common case);
//   1. SGVAE_LIBTENSORFLOW_DIR points at an existing libtensorflow
//      (include/ with the C API headers, lib/ with libtensorflow.so): build the
//      addon against it;
//   2. the package's own install script (downloads libtensorflow 2.9.1 and a
//      prebuilt addon; works where there is internet);
//   3. (CPU only) libtensorflow taken from the TensorFlow CPU wheel that pip
//      provides (`pip download tensorflow-cpu==2.21.0`), kept in a cache folder
//      outside the repository, and the addon built from source against it.
//      The built addon is cached too, so a second clone sets up in seconds.
//
// Usage: node tools/setup/native-backend.mjs [--backend tensorflow|tensorflow-gpu] [--force]
// Environment: SGVAE_BACKEND, SGVAE_CACHE_DIR, SGVAE_LIBTENSORFLOW_DIR.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const require = createRequire(path.join(root, 'package.json'));

const WHEEL = { name: 'tensorflow-cpu', version: '2.21.0' };
/** @type {Record<string, string>} */
const PACKAGES = {
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
};

/** @typedef {{ ok: boolean, detail: string }} Outcome */

class SetupError extends Error {
  /**
   * @param {string} message
   * @param {string[]} tried
   * @param {ErrorOptions} [options]
   */
  constructor(message, tried, options) {
    super(message, options);
    this.name = 'SetupError';
    this.tried = tried;
  }
}

/** @param {string[]} argv */
function parseArgs(argv) {
  const args = { backend: process.env.SGVAE_BACKEND || 'tensorflow', force: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--backend') args.backend = argv[++i];
    else if (a.startsWith('--backend=')) args.backend = a.slice('--backend='.length);
    else if (a === '--force') args.force = true;
    else if (a === '--quiet') args.quiet = true;
    else if (a === '--help' || a === '-h') {
      console.log(
        'Usage: node tools/setup/native-backend.mjs [--backend tensorflow|tensorflow-gpu] [--force] [--quiet]\n' +
          'Makes the native TensorFlow backend loadable. See README.md, "Choosing the backend".',
      );
      process.exit(0);
    } else throw new SetupError(`unknown argument ${a}; see --help`, []);
  }
  if (!(args.backend in PACKAGES)) {
    throw new SetupError(
      `backend "${args.backend}" (from --backend or SGVAE_BACKEND) is not a native backend; ` +
        `use one of: ${Object.keys(PACKAGES).join(', ')}`,
      [],
    );
  }
  return args;
}

let quiet = false;
const started = Date.now();
/** @param {string} message */
function step(message) {
  if (!quiet) console.log(`[setup ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

function cacheRoot() {
  if (process.env.SGVAE_CACHE_DIR) return path.resolve(process.env.SGVAE_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'sgvae');
}

/** @param {string} pkg */
function packageDir(pkg) {
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`));
  } catch (cause) {
    throw new SetupError(
      `${pkg} is not installed; run \`npm ci\` in the repository root first`,
      [],
      { cause },
    );
  }
}

// Loads the backend in a child process: a failed dlopen must not poison this one.
/**
 * @param {string} pkg
 * @returns {Outcome}
 */
function probe(pkg) {
  const code =
    `const tf = require(${JSON.stringify(pkg)});` +
    `if (tf.getBackend() !== 'tensorflow') { console.error('backend is ' + tf.getBackend()); process.exit(3); }` +
    `const v = tf.tensor([1, 2, 3]).square().dataSync();` +
    `if (v[2] !== 9) process.exit(4);` +
    `console.log(JSON.stringify(tf.version));`;
  const r = spawnSync(process.execPath, ['-e', code], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  return { ok: r.status === 0, detail: (r.stderr || '').trim().split('\n').slice(-3).join(' | ') };
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} [opts]
 * @returns {Outcome}
 */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', ...opts });
  if (r.error) return { ok: false, detail: r.error.message };
  const tail = `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n').slice(-5).join(' | ');
  return { ok: r.status === 0, detail: r.status === 0 ? '' : `exit ${r.status}${tail ? `: ${tail}` : ''}` };
}

/** @param {string} dir */
function findAddon(dir) {
  const libDir = path.join(dir, 'lib');
  if (!fs.existsSync(libDir)) return null;
  for (const sub of fs.readdirSync(libDir)) {
    const f = path.join(libDir, sub, 'tfjs_binding.node');
    if (fs.existsSync(f)) return f;
  }
  return null;
}

/** @param {string} dir */
function isLibtensorflowDir(dir) {
  return (
    fs.existsSync(path.join(dir, 'include', 'tensorflow', 'c', 'c_api.h')) &&
    fs.existsSync(path.join(dir, 'lib', 'libtensorflow.so'))
  );
}

// Points the package's deps/ at a libtensorflow folder (binding.gyp reads
// deps/include and deps/lib; the addon's rpath is $ORIGIN/../../deps/lib).
/**
 * @param {string} pkgDir
 * @param {string} libDir
 */
function linkDeps(pkgDir, libDir) {
  const deps = path.join(pkgDir, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.symlinkSync(libDir, deps, 'dir');
}

/** @param {string} pkgDir */
function buildAddon(pkgDir) {
  step(`building the ${path.basename(pkgDir)} addon from source (node-gyp, about 10 s)`);
  fs.rmSync(path.join(pkgDir, 'lib'), { recursive: true, force: true });
  // Through npm, so that node-gyp gets npm's configuration (nodedir, proxies).
  return run('npm', ['exec', '--no', '--', 'node-pre-gyp', 'install', '--build-from-source'], {
    cwd: pkgDir,
    stdio: 'pipe',
  });
}

/**
 * @param {string} src
 * @param {string} dst
 */
function copyDir(src, dst) {
  fs.rmSync(dst, { recursive: true, force: true });
  fs.cpSync(src, dst, { recursive: true });
}

/**
 * @param {string} pkg
 * @param {string} pkgDir
 * @param {string} libDir
 * @returns {Outcome}
 */
function viaLibtensorflowDir(pkg, pkgDir, libDir) {
  if (!isLibtensorflowDir(libDir)) {
    return { ok: false, detail: `${libDir} lacks include/tensorflow/c/c_api.h or lib/libtensorflow.so` };
  }
  linkDeps(pkgDir, libDir);
  const built = buildAddon(pkgDir);
  if (!built.ok) return built;
  return probe(pkg);
}

/**
 * @param {string} pkg
 * @param {string} pkgDir
 * @param {string} backend
 * @returns {Outcome}
 */
function viaOwnInstall(pkg, pkgDir, backend) {
  step(`trying ${pkg}'s own install script (downloads libtensorflow; needs internet)`);
  const r = run(process.execPath, ['scripts/install.js', backend === 'tensorflow-gpu' ? 'gpu' : 'cpu'], {
    cwd: pkgDir,
    stdio: 'pipe',
    timeout: 15 * 60 * 1000,
  });
  if (!r.ok) {
    // The script leaves an empty deps/ and a partial lib/ behind when it fails.
    fs.rmSync(path.join(pkgDir, 'deps'), { recursive: true, force: true });
    fs.rmSync(path.join(pkgDir, 'lib'), { recursive: true, force: true });
    return r;
  }
  return probe(pkg);
}

/**
 * @param {string} cache
 * @returns {{ ok: true, dir: string } | { ok: false, detail: string }}
 */
function ensureWheelLibtensorflow(cache) {
  const target = path.join(cache, `libtensorflow-${WHEEL.name}-${WHEEL.version}-${process.platform}-${process.arch}`);
  if (isLibtensorflowDir(target)) {
    step(`libtensorflow found in the cache: ${target}`);
    return { ok: true, dir: target };
  }
  fs.mkdirSync(cache, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cache, '.tmp-'));
  try {
    step(`downloading ${WHEEL.name}==${WHEEL.version} with pip (about 270 MB)`);
    const dl = run('python3', ['-m', 'pip', 'download', '--no-deps', '--retries', '1', `${WHEEL.name}==${WHEEL.version}`, '-d', tmp]);
    if (!dl.ok) return { ok: false, detail: `pip download ${WHEEL.name}==${WHEEL.version} failed (${dl.detail})` };
    const wheel = fs.readdirSync(tmp).find((f) => f.endsWith('.whl'));
    if (!wheel) return { ok: false, detail: 'pip download produced no wheel' };
    step('extracting the C API headers and libraries from the wheel');
    const out = path.join(tmp, 'libtensorflow');
    const ex = run('python3', [path.join(here, 'extract-libtensorflow.py'), path.join(tmp, wheel), out]);
    if (!ex.ok) return { ok: false, detail: `extracting ${wheel} failed (${ex.detail})` };
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(out, target);
    return { ok: true, dir: target };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * @param {string} pkg
 * @param {string} pkgDir
 * @returns {Outcome}
 */
function viaWheel(pkg, pkgDir) {
  const cache = cacheRoot();
  const lib = ensureWheelLibtensorflow(cache);
  if (!lib.ok) return lib;
  linkDeps(pkgDir, lib.dir);
  const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  const addonCache = path.join(lib.dir, 'addons', `${path.basename(pkgDir)}-${version}-node-abi-napi${process.versions.napi}`);
  if (fs.existsSync(path.join(addonCache, 'lib'))) {
    step(`reusing the cached addon: ${addonCache}`);
    copyDir(path.join(addonCache, 'lib'), path.join(pkgDir, 'lib'));
    const p = probe(pkg);
    if (p.ok) return p;
    step(`the cached addon does not load (${p.detail}); rebuilding`);
  }
  const built = buildAddon(pkgDir);
  if (!built.ok) return built;
  const p = probe(pkg);
  if (p.ok) {
    const tmp = `${addonCache}.tmp-${process.pid}`;
    copyDir(path.join(pkgDir, 'lib'), path.join(tmp, 'lib'));
    fs.rmSync(addonCache, { recursive: true, force: true });
    fs.renameSync(tmp, addonCache);
  }
  return p;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  quiet = args.quiet;
  // parseArgs accepts only the backends PACKAGES names.
  const pkg = /** @type {string} */ (PACKAGES[args.backend]);
  const pkgDir = packageDir(pkg);
  if (!args.force) {
    const p = probe(pkg);
    if (p.ok && findAddon(pkgDir)) {
      step(`native backend ready: ${pkg} (backend "tensorflow")`);
      return;
    }
  }
  /** @type {string[]} */
  const tried = [];
  /**
   * @param {string} name
   * @param {() => Outcome} fn
   */
  const attempt = (name, fn) => {
    const r = fn();
    tried.push(`${name}: ${r.ok ? 'ok' : r.detail}`);
    return r.ok;
  };
  const custom = process.env.SGVAE_LIBTENSORFLOW_DIR;
  if (custom) {
    step(`using libtensorflow from SGVAE_LIBTENSORFLOW_DIR=${custom}`);
    if (attempt('SGVAE_LIBTENSORFLOW_DIR', () => viaLibtensorflowDir(pkg, pkgDir, path.resolve(custom)))) return done(pkg);
  }
  if (attempt(`${pkg} install script`, () => viaOwnInstall(pkg, pkgDir, args.backend))) return done(pkg);
  if (args.backend === 'tensorflow') {
    if (attempt(`${WHEEL.name} wheel via pip`, () => viaWheel(pkg, pkgDir))) return done(pkg);
  } else {
    tried.push('pip wheel route: not available for the GPU backend (it needs a CUDA build of libtensorflow)');
  }
  throw new SetupError(
    `could not make ${pkg} load. Tried:\n  - ${tried.join('\n  - ')}\n` +
      'Fix: set SGVAE_LIBTENSORFLOW_DIR to a folder holding libtensorflow ' +
      '(include/tensorflow/c/c_api.h and lib/libtensorflow.so, e.g. from a TensorFlow C library release) ' +
      'and run `npm run setup` again; or make the Python package index reachable for ' +
      `\`python3 -m pip download ${WHEEL.name}==${WHEEL.version}\`.`,
    tried,
  );
}

/** @param {string} pkg */
function done(pkg) {
  step(`native backend ready: ${pkg} (backend "tensorflow")`);
}

try {
  main();
} catch (e) {
  console.error(`setup: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
