import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleSiblings, writeDirAtomically } from './atomic-dir.ts';
import { loadLayersModel, saveLayersModel } from './layers-io.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('layers-format folders', () => {
  it('round-trips a model exactly, in the files tfjs-node writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'layers-io-'));
    dirs.push(dir);
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 3, inputShape: [2], activation: 'relu' }), tfl.layers.dense({ units: 1 })],
    });
    await saveLayersModel(model, join(dir, 'm'));
    expect((await readdir(join(dir, 'm'))).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadLayersModel(join(dir, 'm'));
    const x = tf.tensor2d([[1, -2], [0.5, 3]]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});

describe('writeDirAtomically', () => {
  it('replaces a folder whole and leaves it untouched when writing fails', async () => {
    const root = await mkdtemp(join(tmpdir(), 'atomic-'));
    dirs.push(root);
    const target = join(root, 'out');
    await writeDirAtomically(target, (tmp) => writeFile(join(tmp, 'a.txt'), 'one'));
    await writeDirAtomically(target, (tmp) => writeFile(join(tmp, 'b.txt'), 'two'));
    expect(await readdir(target)).toEqual(['b.txt']);
    await expect(
      writeDirAtomically(target, async (tmp) => {
        await writeFile(join(tmp, 'c.txt'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await readdir(target)).toEqual(['b.txt']);
    expect(await readdir(root)).toEqual(['out']);
    await mkdir(join(root, '.out.tmp-123-abc'));
    await mkdir(join(root, '.other.tmp-1'));
    await removeStaleSiblings(target);
    expect((await readdir(root)).sort()).toEqual(['.other.tmp-1', 'out']);
  });
});
