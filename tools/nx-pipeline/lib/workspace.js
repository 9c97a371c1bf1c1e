// @ts-check
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');

/**
 * A workspace package as the pipeline needs to know it.
 * @typedef {object} WorkspacePackage
 * @property {string} project Nx project name (project.json `name`, else package.json `name`)
 * @property {string} packageName package.json `name`
 * @property {string} root workspace-relative folder
 * @property {Set<string>} workspaceDeps Nx project names of the workspace packages it uses at run time
 * @property {Set<string>} externalDeps npm package names it uses at run time
 */

/**
 * What graph construction reads from the workspace besides the pipeline files.
 * @typedef {object} WorkspaceInfo
 * @property {string} root absolute workspace root
 * @property {Map<string, WorkspacePackage>} packages by Nx project name
 * @property {Set<string> | undefined} lockedPackages npm packages at the top of the lockfile (Nx's `npm:<name>` nodes); undefined without a lockfile
 * @property {string[]} tsconfigFiles the workspace-root tsconfig.json and the files it extends (tsx reads them)
 */

const SOURCE_EXT = /\.(?:[cm]?[jt]s|[jt]sx)$/;
// Mirrors the `production` named input of nx.json (specs, test helpers under
// src/testing, docs, benches and the vitest config are not production), so the
// npm packages a stage is hashed against are those its production sources import.
const NOT_PRODUCTION = /^src\/testing\/|(?:^|\/)(?:[^/]+\.(?:spec|test)\.[cm]?[jt]sx?|vitest\.config\.[cm]?[jt]s)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'bench', 'coverage', '.nx']);
const BUILTINS = new Set(builtinModules);

/**
 * Reads the workspace packages (root package.json `workspaces`), what each
 * imports, and the lockfile's package names.
 * @param {string} root absolute workspace root
 * @returns {WorkspaceInfo}
 */
function readWorkspace(root) {
  const rootManifest = readJson(path.join(root, 'package.json')) ?? {};
  const patterns = Array.isArray(rootManifest.workspaces)
    ? rootManifest.workspaces
    : Array.isArray(rootManifest.workspaces?.packages)
      ? rootManifest.workspaces.packages
      : [];
  /** @type {{dir: string, manifest: any, projectJson: any}[]} */
  const found = [];
  for (const pattern of patterns) {
    for (const dir of expandWorkspacePattern(root, pattern)) {
      const manifest = readJson(path.join(root, dir, 'package.json'));
      if (!manifest) continue;
      found.push({ dir, manifest, projectJson: readJson(path.join(root, dir, 'project.json')) });
    }
  }
  /** @type {Map<string, string>} package.json name -> Nx project name */
  const byPackageName = new Map();
  for (const f of found) {
    const project = f.projectJson?.name ?? f.manifest.name;
    if (f.manifest.name && project) byPackageName.set(f.manifest.name, project);
  }
  /** @type {Map<string, WorkspacePackage>} */
  const packages = new Map();
  for (const f of found) {
    const project = f.projectJson?.name ?? f.manifest.name;
    if (!project) continue;
    const specifiers = new Set([
      ...Object.keys(f.manifest.dependencies ?? {}),
      ...Object.keys(f.manifest.optionalDependencies ?? {}),
      ...Object.keys(f.manifest.peerDependencies ?? {}),
      ...scanImports(path.join(root, f.dir)),
    ]);
    /** @type {Set<string>} */
    const workspaceDeps = new Set();
    /** @type {Set<string>} */
    const externalDeps = new Set();
    for (const name of specifiers) {
      const ws = byPackageName.get(name);
      if (ws) {
        if (ws !== project) workspaceDeps.add(ws);
      } else {
        externalDeps.add(name);
      }
    }
    packages.set(project, {
      project,
      packageName: f.manifest.name ?? project,
      root: f.dir,
      workspaceDeps,
      externalDeps,
    });
  }
  return {
    root,
    packages,
    lockedPackages: readLockedPackages(root),
    tsconfigFiles: tsconfigChain(root),
  };
}

/**
 * `packages/*` and plain folders; npm workspaces allow more, this workspace
 * uses only these.
 * @param {string} root
 * @param {string} pattern
 * @returns {string[]}
 */
function expandWorkspacePattern(root, pattern) {
  const clean = pattern.replace(/\/+$/, '');
  if (!clean.includes('*')) return [clean];
  const star = clean.indexOf('*');
  const parent = clean.slice(0, star).replace(/\/+$/, '');
  if (clean.slice(star) !== '*' || parent.includes('*')) return [];
  let entries;
  try {
    entries = fs.readdirSync(path.join(root, parent), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => (parent ? `${parent}/${e.name}` : e.name))
    .sort();
}

/**
 * Bare specifiers imported by a package's production sources, reduced to
 * package names. `import type` is left out: it has no run-time effect.
 * Over-reporting is harmless (one more npm package in the hash); a package
 * that is imported but not installed is dropped later, since a stage could
 * not run with it anyway.
 * @param {string} dir absolute package folder
 * @returns {Set<string>}
 */
function scanImports(dir) {
  /** @type {Set<string>} */
  const names = new Set();
  const patterns = [
    /(?:^|[\n;])\s*(?:import|export)\s+(?!type[\s{])(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"\n]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
    // require.resolve, import.meta.resolve and createRequire(...).resolve: data
    // packages are often located this way rather than imported.
    /\.resolve\s*\(\s*['"]([^'"\n]+)['"]/g,
  ];
  for (const file of listSources(dir, '')) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const re of patterns) {
      for (const m of text.matchAll(re)) {
        const name = packageNameOf(m[1]);
        if (name) names.add(name);
      }
    }
  }
  return names;
}

/**
 * @param {string} dir
 * @param {string} rel
 * @returns {string[]}
 */
function listSources(dir, rel) {
  /** @type {string[]} */
  const out = [];
  let entries;
  try {
    entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) out.push(...listSources(dir, child));
    } else if (SOURCE_EXT.test(e.name) && !e.name.endsWith('.d.ts') && !NOT_PRODUCTION.test(child)) {
      out.push(child);
    }
  }
  return out;
}

/**
 * @param {string} specifier
 * @returns {string | undefined}
 */
function packageNameOf(specifier) {
  if (/^(?:[./#]|node:|[a-z]+:)/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (!name || BUILTINS.has(name) || (name.startsWith('@') && parts.length < 2)) return undefined;
  return name;
}

/**
 * Top-level packages of an npm v2/v3 lockfile: these are the names Nx knows as
 * `npm:<name>`. Naming any other package in `externalDependencies` makes Nx
 * refuse the task, so candidates are filtered against this set.
 * @param {string} root
 * @returns {Set<string> | undefined}
 */
function readLockedPackages(root) {
  const lock = readJson(path.join(root, 'package-lock.json'));
  if (!lock?.packages) return undefined;
  /** @type {Set<string>} */
  const names = new Set();
  for (const [key, entry] of Object.entries(lock.packages)) {
    // Workspace links (`node_modules/@sgvae/data` -> packages/data) are not npm nodes.
    if (!key.startsWith('node_modules/') || key.indexOf('/node_modules/', 1) !== -1 || entry?.link) continue;
    names.add(key.slice('node_modules/'.length));
  }
  return names;
}

/**
 * tsx compiles with the tsconfig.json it finds from the working directory (the
 * workspace root) and the files that one extends; options such as `target` or
 * `useDefineForClassFields` change what the compiled code does.
 * @param {string} root
 * @returns {string[]} workspace-relative paths
 */
function tsconfigChain(root) {
  /** @type {string[]} */
  const files = [];
  let current = path.join(root, 'tsconfig.json');
  while (fs.existsSync(current) && files.length < 8) {
    const rel = path.relative(root, current).split(path.sep).join('/');
    if (rel.startsWith('..') || files.includes(rel)) break;
    files.push(rel);
    const ext = readJsonc(current)?.extends;
    if (typeof ext !== 'string' || !ext.startsWith('.')) break;
    current = path.resolve(path.dirname(current), ext.endsWith('.json') ? ext : `${ext}.json`);
  }
  return files;
}

/**
 * Owning package plus every workspace package it reaches through its
 * dependencies, sorted.
 * @param {Map<string, WorkspacePackage>} packages
 * @param {string} project
 * @returns {WorkspacePackage[]}
 */
function packageClosure(packages, project) {
  /** @type {Map<string, WorkspacePackage>} */
  const seen = new Map();
  const stack = [project];
  while (stack.length) {
    const name = /** @type {string} */ (stack.pop());
    const pkg = packages.get(name);
    if (!pkg || seen.has(name)) continue;
    seen.set(name, pkg);
    stack.push(...pkg.workspaceDeps);
  }
  return [...seen.values()].sort((a, b) => a.project.localeCompare(b.project));
}

/**
 * Finds a package by Nx project name, package.json name or folder name.
 * @param {Map<string, WorkspacePackage>} packages
 * @param {string} name
 * @returns {WorkspacePackage | undefined}
 */
function findPackage(packages, name) {
  return (
    packages.get(name) ??
    [...packages.values()].find((p) => p.packageName === name || path.posix.basename(p.root) === name)
  );
}

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * tsconfig files allow comments and trailing commas.
 * @param {string} file
 */
function readJsonc(file) {
  try {
    const text = fs
      .readFileSync(file, 'utf8')
      .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str) => str ?? '')
      .replace(/,(\s*[}\]])/g, '$1');
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

module.exports = { readWorkspace, packageClosure, findPackage, scanImports, packageNameOf, tsconfigChain };
