// The resume folder. Each checkpoint is a complete snapshot folder
// (state.json + one .bin per blob) written atomically under a new name, and
// `latest.json` -- replaced by an atomic rename -- points at the newest one.
// Older snapshots are deleted only after the pointer moved, so at every
// instant the pointer names a complete snapshot, whatever kills the process.
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '../errors.ts';
import { writeFileAtomically, writeFolderAtomicallyAsync } from '@sgvae/contracts';
import type { EncodedWeights } from './weights.ts';

export const LATEST = 'latest.json';
const STATE = 'state.json';

export interface LoadedCheckpoint<M> {
  /** Folder of the snapshot. */
  path: string;
  meta: M;
  blobs: Record<string, EncodedWeights>;
}

interface StoredState<M> {
  format: 1;
  meta: M;
  blobs: Record<string, { file: string; specs: EncodedWeights['specs'] }>;
}

/** Writes a snapshot named `name` and points `latest.json` at it; returns its folder. */
export async function writeCheckpoint<M>(
  dir: string,
  name: string,
  meta: M,
  blobs: Record<string, EncodedWeights>,
): Promise<string> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new CheckpointError(dir, `bad snapshot name "${name}"`, 'use [A-Za-z0-9._-]');
  const final = join(dir, name);
  // Re-writing the same snapshot name (an interrupt right after an epoch
  // boundary) replaces it whole; the pointer keeps naming a complete one.
  await writeFolderAtomicallyAsync(final, async (tmp) => {
    const stored: StoredState<M> = { format: 1, meta, blobs: {} };
    for (const [key, blob] of Object.entries(blobs)) {
      const file = `${key}.bin`;
      await writeFile(join(tmp, file), new Uint8Array(blob.data));
      stored.blobs[key] = { file, specs: blob.specs };
    }
    await writeFile(join(tmp, STATE), JSON.stringify(stored));
  });
  writeFileAtomically(join(dir, LATEST), JSON.stringify({ snapshot: name }) + '\n');
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== name && /^(e\d|\.e\d)/.test(entry.name)) {
      await rm(join(dir, entry.name), { recursive: true, force: true });
    }
  }
  return final;
}

/** Reads the snapshot `latest.json` points at, or undefined when the folder holds none. */
export async function readLatestCheckpoint<M>(dir: string): Promise<LoadedCheckpoint<M> | undefined> {
  let pointer: { snapshot?: unknown };
  try {
    pointer = JSON.parse(await readFile(join(dir, LATEST), 'utf8')) as { snapshot?: unknown };
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError(dir, `${LATEST} is unreadable`, 'delete the folder to start over', { cause });
  }
  if (typeof pointer.snapshot !== 'string') {
    throw new CheckpointError(dir, `${LATEST} names no snapshot`, 'delete the folder to start over');
  }
  const path = join(dir, pointer.snapshot);
  let stored: StoredState<M>;
  try {
    stored = JSON.parse(await readFile(join(path, STATE), 'utf8')) as StoredState<M>;
  } catch (cause) {
    throw new CheckpointError(path, `${STATE} is missing or damaged`, 'delete the checkpoint folder to start over', {
      cause,
    });
  }
  if (stored.format !== 1) {
    throw new CheckpointError(path, `unknown checkpoint format ${String(stored.format)}`, 'delete it to start over');
  }
  const blobs: Record<string, EncodedWeights> = {};
  for (const [key, { file, specs }] of Object.entries(stored.blobs)) {
    const b = await readFile(join(path, file));
    blobs[key] = { data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, specs };
  }
  return { path, meta: stored.meta, blobs };
}
