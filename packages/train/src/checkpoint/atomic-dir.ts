// Folders that appear whole or not at all. A folder is written under a
// temporary sibling name and renamed into place; rename(2) within one file
// system is atomic, so a reader (or Nx's cache) never sees half an output.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function siblingName(target: string, tag: string): string {
  return join(dirname(target), `.${basename(target)}.${tag}-${process.pid}-${randomBytes(3).toString('hex')}`);
}

/**
 * Writes a folder at `target` through `write(tmpDir)`, then moves it into
 * place, replacing any existing folder. If `write` throws, the temporary
 * folder is removed and `target` is left as it was.
 */
export async function writeDirAtomically(target: string, write: (tmpDir: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = siblingName(target, 'tmp');
  await mkdir(tmp, { recursive: true });
  try {
    await write(tmp);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  if (await exists(target)) {
    // A directory cannot be renamed over a non-empty one: move the old one
    // aside first. A crash between the two renames leaves the old output
    // under the `.old-` name and no `target`, which reads as "not built".
    const old = siblingName(target, 'old');
    await rename(target, old);
    await rename(tmp, target);
    await rm(old, { recursive: true, force: true });
  } else {
    await rename(tmp, target);
  }
}

/** Replaces a file atomically (write a sibling, then rename over the target). */
export async function writeFileAtomically(target: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = siblingName(target, 'tmp');
  await writeFile(tmp, data);
  await rename(tmp, target);
}

/**
 * Removes temporary siblings (`.<name>.tmp-*`, `.<name>.old-*`) that a
 * killed writer left next to `target`. Call before writing `target` again.
 */
export async function removeStaleSiblings(target: string): Promise<void> {
  const parent = dirname(target);
  const prefix = `.${basename(target)}.`;
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name.startsWith(`${prefix}tmp-`) || name.startsWith(`${prefix}old-`)) {
      await rm(join(parent, name), { recursive: true, force: true });
    }
  }
}
