import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactCorruptError, ArtifactMissingError, type DatasetDescription, writeFolderAtomically } from '@sgvae/contracts';
import { readDataset, writeDataset, type DatasetArrays } from './artifact.ts';
import { paddingFor } from './pad.ts';
import { DEFAULT_PARAMS } from './params.ts';
import { useTempDir } from './testing/temp-dir.ts';

const freshDir = useTempDir('artifact');

function sample(count: number, size: number): { arrays: DatasetArrays; description: DatasetDescription } {
  const arrays: DatasetArrays = {
    images: Uint8Array.from({ length: count * size * size }, (_, i) => (i * 13) % 256),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    angles: Float32Array.from({ length: count }, (_, i) => -180 + 7.25 * i),
    sourceIndices: Uint32Array.from({ length: count }, (_, i) => 70_000 + i),
  };
  const description: DatasetDescription = {
    name: 'sample',
    size,
    sourceSplit: 'test',
    rotation: { kind: 'uniform', min: -180, max: 180 },
    supersample: 3,
    anglesPerImage: 1,
    padding: paddingFor(28, 28, size),
    setSeed: 12345,
    params: DEFAULT_PARAMS,
  };
  return { arrays, description };
}

describe('dataset artifacts', () => {
  it('round-trips arrays and manifest, with little-endian files and per-class counts', () => {
    const dir = freshDir();
    const { arrays, description } = sample(23, 29);
    const manifest = writeDataset(dir, arrays, description);
    expect(manifest.countsPerClass).toEqual([3, 3, 3, 2, 2, 2, 2, 2, 2, 2]);
    const back = readDataset(dir);
    expect(back.images).toEqual(arrays.images);
    expect(back.labels).toEqual(arrays.labels);
    expect(back.angles).toEqual(arrays.angles);
    expect(back.sourceIndices).toEqual(arrays.sourceIndices);
    expect(back.manifest).toEqual(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    expect(back.manifest.files.images.shape).toEqual([23, 29, 29]);
    // Little-endian on disk whatever the machine: angle 0 is -180 = 0xc3340000.
    expect(Array.from(readFileSync(join(dir, 'angles.f32')).subarray(0, 4))).toEqual([0x00, 0x00, 0x34, 0xc3]);
    expect(readFileSync(join(dir, 'source-indices.u32')).readUInt32LE(4)).toBe(70_001);
    // Only the final folder is left next to it.
    expect(readdirSync(dirname(dir)).filter((n) => n.includes('case-0'))).toEqual(['case-0']);
  });

  it('detects changed, truncated and missing files and says which stage rebuilds them', () => {
    const dir = freshDir();
    const { arrays, description } = sample(5, 28);
    writeDataset(dir, arrays, description);
    const images = join(dir, 'images.u8');
    const bytes = readFileSync(images);
    bytes[100] = bytes[100]! ^ 1;
    writeFileSync(images, bytes);
    expect(() => readDataset(dir)).toThrow(ArtifactCorruptError);
    expect(() => readDataset(dir)).toThrow(/images.u8 does not match the sha256.*build-datasets/);
    writeFileSync(images, bytes.subarray(0, 1000));
    expect(() => readDataset(dir)).toThrow(/images.u8 is 1000 bytes, its manifest says 3920/);
    bytes[100] = bytes[100]! ^ 1;
    writeFileSync(images, bytes);
    expect(readDataset(dir).images).toEqual(arrays.images);
    rmSync(join(dir, 'labels.u8'));
    expect(() => readDataset(dir)).toThrow(ArtifactMissingError);
    expect(() => readDataset(dir)).toThrow(/lacks labels.u8, listed in its manifest/);
    rmSync(join(dir, 'manifest.json'));
    expect(() => readDataset(dir)).toThrow(/has no manifest.json, so the build that wrote it did not finish/);
    expect(() => readDataset(join(dir, 'nope'))).toThrow(/nope: does not exist. The `build-datasets` stage writes it: run `npx nx run pipeline--build-datasets:run`/);
  });

  it('leaves nothing behind when a folder write fails midway, and keeps the previous folder', () => {
    const dir = freshDir();
    expect(() =>
      writeFolderAtomically(dir, (tmp) => {
        writeFileSync(join(tmp, 'half'), 'x');
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(dirname(dir)).filter((n) => n.includes(`case-`) && n.includes('tmp'))).toEqual([]);

    const { arrays, description } = sample(4, 28);
    writeDataset(dir, arrays, description);
    expect(() =>
      writeFolderAtomically(dir, () => {
        throw new Error('interrupted');
      }),
    ).toThrow('interrupted');
    expect(readDataset(dir).labels).toEqual(arrays.labels);
    // Replacing an existing folder works and removes the old one.
    writeDataset(dir, { ...arrays, labels: Uint8Array.from([9, 9, 9, 9]) }, description);
    expect(Array.from(readDataset(dir).labels)).toEqual([9, 9, 9, 9]);
    expect(readdirSync(dirname(dir)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses to write arrays that disagree with each other', () => {
    const { arrays, description } = sample(4, 28);
    expect(() => writeDataset(freshDir(), { ...arrays, angles: new Float32Array(3) }, description)).toThrow(/inconsistent arrays/);
  });
});
