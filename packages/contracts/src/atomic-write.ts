// Files and folders that appear whole or not at all. Every stage writes its
// outputs through these functions, so a reader (or Nx's cache) never sees
// half an artifact, whatever kills the writer:
//
//   file:   write a temporary sibling, fsync it, rename it over the target,
//           fsync the parent folder (so the rename itself is durable);
//   folder: fill a temporary sibling folder, fsync every file and folder in
//           it, rename it to the target (an existing target steps aside
//           first and is removed afterwards), fsync the parent folder.
//
// Temporary siblings are named `.<target>.tmp-<pid>-<hex>` (and `.old-` for a
// replaced folder), so `removeStaleSiblings` can tell those of killed writers
// from those of running ones.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A fresh name next to `target` that no other writer uses (pid plus random suffix). */
export function temporarySibling(target: string, tag: 'tmp' | 'old'): string {
  return join(dirname(target), `.${basename(target)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Writes `data` to `path` (created or truncated) and fsyncs it. Not atomic by itself: use it inside a folder being written atomically. */
export function writeFileSynced(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const fd = openSync(path, 'w');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Fsyncs an existing file or folder by path. Some platforms cannot open or fsync a folder; durability there rests on the file fsyncs. */
function fsyncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // see above
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Fsyncs every file and folder under `dir`, then `dir` itself. */
function fsyncTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) fsyncTree(path);
    else if (entry.isFile()) fsyncPath(path);
  }
  fsyncPath(dir);
}

/** Writes a file atomically: temporary sibling, fsync, rename over `target`, fsync of the parent folder (created if missing). */
export function writeFileAtomically(target: string, data: Uint8Array | string): void {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = temporarySibling(target, 'tmp');
  try {
    writeFileSynced(tmp, data);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  fsyncPath(dirname(target));
}

/**
 * First half of an atomic folder write: creates and returns an empty
 * temporary sibling of `target` to fill. Finish with `commitFolder` or
 * `abandonFolder`.
 */
export function beginFolder(target: string): string {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = temporarySibling(target, 'tmp');
  mkdirSync(tmp);
  return tmp;
}

/**
 * Second half: fsyncs everything in the filled temporary folder and renames
 * it to `target`, replacing any previous folder. If the rename fails, the
 * previous folder is put back.
 */
export function commitFolder(tmp: string, target: string): void {
  fsyncTree(tmp);
  let old: string | null = null;
  if (existsSync(target)) {
    // rename() cannot replace a non-empty folder, so the old one steps aside
    // first; between the two renames `target` is briefly absent, never mixed.
    old = temporarySibling(target, 'old');
    renameSync(target, old);
  }
  try {
    renameSync(tmp, target);
  } catch (error) {
    if (old !== null) renameSync(old, target);
    throw error;
  }
  fsyncPath(dirname(target));
  if (old !== null) rmSync(old, { recursive: true, force: true });
}

/** Removes a temporary folder from `beginFolder` that will not be committed. */
export function abandonFolder(tmp: string): void {
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * Builds a folder atomically: `fill` writes into a temporary sibling, which is
 * fsynced and renamed to `target`. If `fill` throws, the temporary folder is
 * removed and `target` is untouched.
 */
export function writeFolderAtomically(target: string, fill: (tmpDir: string) => void): void {
  const tmp = beginFolder(target);
  try {
    fill(tmp);
  } catch (error) {
    abandonFolder(tmp);
    throw error;
  }
  commitFolder(tmp, target);
}

/** `writeFolderAtomically` for a `fill` that works asynchronously. */
export async function writeFolderAtomicallyAsync(target: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const tmp = beginFolder(target);
  try {
    await fill(tmp);
  } catch (error) {
    abandonFolder(tmp);
    throw error;
  }
  commitFolder(tmp, target);
}

/**
 * Removes temporary and set-aside siblings of `target` left by writers that
 * were killed (their process no longer exists). Those of live processes are
 * left alone. Call it before writing `target` again.
 */
export function removeStaleSiblings(target: string): void {
  const parent = dirname(target);
  if (!existsSync(parent)) return;
  const prefix = `.${basename(target)}.`;
  for (const entry of readdirSync(parent)) {
    // The suffix was 8 hex digits here, 6 in older training outputs and a
    // base-36 time in older reports: any of them is a leftover.
    const match = /^(tmp|old)-(\d+)-[0-9a-z]+$/.exec(entry.startsWith(prefix) ? entry.slice(prefix.length) : '');
    if (match === null) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || isAlive(pid)) continue;
    rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
