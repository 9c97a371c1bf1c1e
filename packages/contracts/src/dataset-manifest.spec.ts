import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DATASET_FORMAT,
  DEFAULT_REBUILD_HINT,
  manifestJson,
  readDatasetManifest,
  readDatasetsIndex,
  writeDatasetManifest,
  writeDatasetsIndex,
  type DatasetManifest,
} from './dataset-manifest.ts';
import { ArtifactCorruptError, ArtifactMissingError } from './errors.ts';

// The manifests of a smoke build made before the manifests moved here (they
// still carry the `codeVersion` field that builds wrote then).
const FIXTURE = join(import.meta.dirname, 'testing', 'fixtures', 'smoke-datasets');

const roots: string[] = [];
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));
function copyOfFixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'dataset-manifest-'));
  roots.push(root);
  cpSync(FIXTURE, join(root, 'datasets'), { recursive: true });
  return join(root, 'datasets');
}

function editJson(file: string, edit: (value: Record<string, unknown>) => void): void {
  const value = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(value);
  writeFileSync(file, manifestJson(value));
}

describe('dataset manifests', () => {
  it('reads a datasets folder written before this change, index and sets', () => {
    const index = readDatasetsIndex(FIXTURE);
    expect(index.sets.map((s) => s.name)).toEqual(['train', 'val', 'test', 'test-69-rotated', 'test-rotated', 'test-rotation-grid']);
    expect(index.params.size).toBe(33);
    expect(index.sources.test.count).toBe(10_000);
    for (const entry of index.sets) {
      const m = readDatasetManifest(join(FIXTURE, entry.dir));
      expect(m).toMatchObject({ format: DATASET_FORMAT, formatVersion: 1, name: entry.name, count: entry.count, size: 33 });
      expect(m.countsPerClass).toEqual(entry.countsPerClass);
    }
    const grid = readDatasetManifest(join(FIXTURE, 'test-rotation-grid'));
    expect(grid.rotation).toEqual({ kind: 'grid', step: 10, min: -180, max: 180 });
    expect(grid.anglesPerImage).toBe(36);
  });

  it('writes the bytes it reads: two-space JSON with a final newline, keys in the given order', () => {
    const out = mkdtempSync(join(tmpdir(), 'dataset-manifest-write-'));
    roots.push(out);
    const text = readFileSync(join(FIXTURE, 'val', 'manifest.json'), 'utf8');
    const sha = writeDatasetManifest(out, JSON.parse(text) as DatasetManifest);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(text);
    const index = readDatasetsIndex(FIXTURE);
    expect(index.sets.find((s) => s.name === 'val')?.manifestSha256).toBe(sha);
    writeDatasetsIndex(out, index);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8'));
  });

  it('names the file and the field that is wrong, and what to run', () => {
    const dir = copyOfFixture();
    editJson(join(dir, 'test-rotated', 'manifest.json'), (m) => {
      (m.rotation as Record<string, unknown>).kind = 'spin';
    });
    const read = () => readDatasetManifest(join(dir, 'test-rotated'));
    expect(read).toThrow(ArtifactCorruptError);
    expect(read).toThrow(/test-rotated[\\/]manifest\.json: `rotation\.kind` is "spin", expected "none" or "uniform" or "grid" or "choice"/);
    expect(read).toThrow(DEFAULT_REBUILD_HINT);
    editJson(join(dir, 'val', 'manifest.json'), (m) => {
      m.countsPerClass = [1, 2, 3];
    });
    expect(() => readDatasetManifest(join(dir, 'val'))).toThrow(/`countsPerClass` has 3 entries, expected one per class 0\.\.9\. The `build-datasets` stage writes it/);
    editJson(join(dir, 'manifest.json'), (m) => {
      delete (m.params as Record<string, unknown>).supersample;
    });
    expect(() => readDatasetsIndex(dir)).toThrow(/datasets[\\/]manifest\.json: `params\.supersample` is missing, expected an integer >= 1/);
  });

  it('refuses other formats, missing folders and mixed builds', () => {
    const dir = copyOfFixture();
    expect(() => readDatasetManifest(join(dir, 'nope'))).toThrow(ArtifactMissingError);
    expect(() => readDatasetManifest(join(dir, 'nope'))).toThrow(/nope: does not exist/);
    editJson(join(dir, 'test', 'manifest.json'), (m) => {
      m.formatVersion = 2;
    });
    expect(() => readDatasetManifest(join(dir, 'test'))).toThrow(/was written in format version 2; this code reads version 1/);
    // The index pins each set's manifest by its sha256.
    expect(() => readDatasetsIndex(dir)).toThrow(/test: its manifest\.json is not the one .* was built with \(mixed builds\)/);
    rmSync(join(dir, 'train', 'manifest.json'));
    expect(() => readDatasetManifest(join(dir, 'train'))).toThrow(/has no manifest\.json, so the build that wrote it did not finish/);
  });
});
