// A digest of the code a stage runs: the production files of its workspace
// package and of every workspace package it depends on, plus the lockfile and
// the TypeScript configs that tsx reads. Training stages store it in their
// checkpoints and resume only a checkpoint that the same code wrote, so an
// edited layer can never hand back weights trained by the old one.
//
// "Production" mirrors the `production` named input of nx.json (no specs, docs,
// benches, test helpers or vitest configs): editing a test does not discard an
// interrupted run, and Nx does not rerun the stage for it either.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { ContractInputError } from './errors.ts';

export interface SourceFingerprint {
  /** sha256 (hex) over the files' workspace-relative paths and contents. */
  readonly digest: string;
  /** Workspace package names whose files are covered, sorted. */
  readonly packages: readonly string[];
  /** Number of files hashed. */
  readonly files: number;
}

/** Workspace-root files that change what the code does. */
const ROOT_FILES = ['package-lock.json', 'tsconfig.base.json', 'tsconfig.json'];
const SKIP_DIRS = new Set(['node_modules', 'bench', 'dist', 'coverage', '.nx']);
const NOT_PRODUCTION = /(?:^|\/)src\/testing\/|(?:^|\/)[^/]+\.(?:spec|test)\.[cm]?[jt]sx?$|(?:^|\/)vitest\.config\.[cm]?[jt]s$|\.md$/;

interface WorkspaceManifest {
  dir: string;
  name: string;
  dependencies: string[];
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new ContractInputError(`${file} is not readable JSON; restore it from git`, { cause });
  }
}

/** The workspace packages of `root` (root package.json `workspaces`: plain folders and `dir/*`). */
function workspacePackages(root: string): Map<string, WorkspaceManifest> {
  const manifest = readJson(join(root, 'package.json'));
  const patterns = Array.isArray(manifest.workspaces) ? (manifest.workspaces as string[]) : [];
  const dirs: string[] = [];
  for (const pattern of patterns) {
    const clean = pattern.replace(/\/+$/, '');
    if (clean.endsWith('/*')) {
      const parent = clean.slice(0, -2);
      if (!existsSync(join(root, parent))) continue;
      for (const e of readdirSync(join(root, parent), { withFileTypes: true })) {
        if (e.isDirectory()) dirs.push(`${parent}/${e.name}`);
      }
    } else {
      dirs.push(clean);
    }
  }
  const byName = new Map<string, WorkspaceManifest>();
  for (const dir of dirs) {
    const file = join(root, dir, 'package.json');
    if (!existsSync(file)) continue;
    const m = readJson(file);
    if (typeof m.name !== 'string') continue;
    const deps = { ...(m.dependencies as object | undefined), ...(m.optionalDependencies as object | undefined) };
    byName.set(m.name, { dir, name: m.name, dependencies: Object.keys(deps) });
  }
  return byName;
}

function productionFiles(root: string, dir: string, out: string[]): void {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) productionFiles(root, rel, out);
    } else if (e.isFile() && !NOT_PRODUCTION.test(rel)) {
      out.push(rel);
    }
  }
}

/**
 * Fingerprint of the code behind workspace package `packageName` at `root`.
 * Throws when the package is not one of the workspace's.
 */
export function sourceFingerprint(root: string, packageName: string): SourceFingerprint {
  const packages = workspacePackages(root);
  if (!packages.has(packageName)) {
    throw new ContractInputError(
      `${join(root, 'package.json')}: no workspace package is named ${packageName} (found ${[...packages.keys()].sort().join(', ')}); ` +
        'run the stage from a checkout of this repository',
    );
  }
  const closure = new Set<string>();
  const queue = [packageName];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (closure.has(name)) continue;
    closure.add(name);
    for (const dep of packages.get(name)!.dependencies) if (packages.has(dep)) queue.push(dep);
  }
  const files: string[] = ROOT_FILES.filter((f) => existsSync(join(root, f)));
  for (const name of closure) productionFiles(root, packages.get(name)!.dir, files);
  files.sort();
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(f.split(sep).join('/')).update('\0');
    hash.update(createHash('sha256').update(readFileSync(join(root, f))).digest()).update('\0');
  }
  return { digest: hash.digest('hex'), packages: [...closure].sort(), files: files.length };
}
