import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDatasetsIndex } from '@sgvae/contracts';
import { readDataset, readDatasetFrom } from './artifact.ts';
import { buildDatasets, type MnistSources } from './build-datasets.ts';
import { BuildAbortedError, ParamsError } from './errors.ts';
import { loadMnist } from './mnist.ts';
import { padImages, paddingFor } from './pad.ts';
import { parseDataParams } from './params.ts';
import { rotateImage } from '@sgvae/contracts';
import { countPerClass } from './stratify.ts';
import { useTempDir } from './testing/temp-dir.ts';

const freshDir = useTempDir('build');
const sources: MnistSources = { train: loadMnist('train'), test: loadMnist('test') };

const small = parseDataParams({
  seed: 99,
  subset: { total: 700, testFraction: 1 / 7 },
  sets: {
    rotated: { count: 200 },
    sixes: { digits: [6, 9], count: 40, rotation: { kind: 'uniform', min: -45, max: 45 } },
    grid: { count: 5, rotation: { kind: 'grid', step: 45, min: -180, max: 180 } },
    turns: { source: 'heldout', count: 30, rotation: { kind: 'choice', angles: [0, 90, 180, 270] } },
  },
});

/** Every file under `dir`, relative path -> bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

function padded(split: 'train' | 'test', index: number, size = 33): Uint8Array {
  return padImages(sources[split].pixels, 28, 28, [index], paddingFor(28, 28, size));
}

describe('building datasets', () => {
  it('builds the upright splits and every evaluation set as specified', async () => {
    const out = freshDir();
    const progress: string[] = [];
    const index = await buildDatasets(small, out, { sources, codeVersion: 'c0ffee', onProgress: (p) => progress.push(`${p.index}/${p.total} ${p.set} ${p.count}`) });
    expect(progress).toEqual(['1/7 train 540', '2/7 val 60', '3/7 test 100', '4/7 rotated 200', '5/7 sixes 40', '6/7 grid 40', '7/7 turns 30']);
    expect(index.sets.map((s) => s.name)).toEqual(['train', 'val', 'test', 'rotated', 'sixes', 'grid', 'turns']);
    // The code version lives outside the manifests: a rebuild by another commit is byte-identical but for it.
    expect(JSON.parse(readFileSync(join(out, 'provenance.json'), 'utf8'))).toEqual({ codeVersion: 'c0ffee' });
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).not.toContain('c0ffee');
    const again = freshDir();
    await buildDatasets(small, again, { sources, codeVersion: 'beef01' });
    for (const [path, bytes] of snapshot(out)) {
      if (!path.endsWith('provenance.json')) expect(bytes.equals(snapshot(again).get(path)!), path).toBe(true);
    }

    const train = readDatasetFrom(out, 'train');
    expect(train.manifest.countsPerClass).toEqual(countPerClass(sources.train.labels, train.sourceIndices));
    expect(train.angles.every((a) => a === 0)).toBe(true);
    expect(train.images.subarray(0, 1089)).toEqual(padded('train', train.sourceIndices[0]!));
    const val = readDataset(join(out, 'val'));
    const test = readDataset(join(out, 'test'));
    expect(new Set([...train.sourceIndices, ...val.sourceIndices, ...test.sourceIndices]).size).toBe(700);
    expect(test.manifest.sourceSplit).toBe('train');

    const rotated = readDataset(join(out, 'rotated'));
    expect(rotated.manifest.sourceSplit).toBe('test');
    expect(rotated.manifest.supersample).toBe(3);
    expect(Math.min(...rotated.angles)).toBeGreaterThanOrEqual(-180);
    expect(Math.max(...rotated.angles)).toBeLessThanOrEqual(180);
    for (const k of [0, 77, 199]) {
      const expected = rotateImage(padded('test', rotated.sourceIndices[k]!), 33, rotated.angles[k]!, { supersample: 3 });
      expect(rotated.images.subarray(k * 1089, (k + 1) * 1089)).toEqual(expected);
      expect(rotated.labels[k]).toBe(sources.test.labels[rotated.sourceIndices[k]!]);
    }

    const sixes = readDataset(join(out, 'sixes'));
    expect(sixes.manifest.countsPerClass.filter((n, c) => n > 0 && c !== 6 && c !== 9)).toEqual([]);
    expect(sixes.manifest.countsPerClass[6]! + sixes.manifest.countsPerClass[9]!).toBe(40);
    expect(sixes.angles.every((a) => a >= -45 && a <= 45)).toBe(true);

    const grid = readDataset(join(out, 'grid'));
    expect(grid.manifest.anglesPerImage).toBe(8);
    expect(Array.from(grid.angles.subarray(0, 8))).toEqual([-180, -135, -90, -45, 0, 45, 90, 135]);
    expect(new Set(grid.sourceIndices.subarray(8, 16)).size).toBe(1);
    const first = padded('test', grid.sourceIndices[0]!);
    expect(grid.images.subarray(4 * 1089, 5 * 1089)).toEqual(first);
    expect(grid.images.subarray(6 * 1089, 7 * 1089)).toEqual(rotateImage(first, 33, 90));

    const turns = readDataset(join(out, 'turns'));
    expect(turns.manifest.sourceSplit).toBe('train');
    const heldout = new Set(test.sourceIndices);
    expect(Array.from(turns.sourceIndices).every((i) => heldout.has(i))).toBe(true);
    expect(new Set(turns.angles).size).toBe(4);
  });

  it('is byte-identical for the same params and seed, and sets do not disturb each other', async () => {
    const a = freshDir();
    const b = freshDir();
    await buildDatasets(small, a, { sources });
    await buildDatasets(small, b, { sources });
    const sa = snapshot(a);
    const sb = snapshot(b);
    expect([...sa.keys()].sort()).toEqual([...sb.keys()].sort());
    expect([...sa.keys()].length).toBe(2 + 7 * 5); // index, provenance, five files per set
    for (const [path, bytes] of sa) expect(bytes.equals(sb.get(path)!), path).toBe(true);

    // Another seed changes the draw.
    const c = freshDir();
    await buildDatasets({ ...small, seed: 100 }, c, { sources });
    expect(readFileSync(join(c, 'rotated', 'angles.f32')).equals(sa.get(join('rotated', 'angles.f32'))!)).toBe(false);

    // Dropping a set leaves the binary files of the others unchanged (each set has its own stream).
    const d = freshDir();
    const { rotated: _dropped, ...rest } = small.sets;
    await buildDatasets({ ...small, sets: rest }, d, { sources });
    for (const file of ['images.u8', 'angles.f32', 'source-indices.u32']) {
      expect(readFileSync(join(d, 'sixes', file)).equals(sa.get(join('sixes', file))!)).toBe(true);
    }
  });

  it('leaves no complete-looking output when a build fails midway, and keeps a previous build', async () => {
    const out = freshDir();
    const stop = (after: number) => (p: { index: number }) => {
      if (p.index === after) throw new Error('interrupted');
    };
    await expect(buildDatasets(small, out, { sources, onProgress: stop(3) })).rejects.toThrow('interrupted');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dirname(out)).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(() => readDatasetsIndex(out)).toThrow(/does not exist.*build-datasets/);

    await buildDatasets(small, out, { sources, codeVersion: 'old' });
    const before = snapshot(out);
    const controller = new AbortController();
    const attempt = buildDatasets({ ...small, seed: 5 }, out, {
      sources,
      codeVersion: 'new',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.index === 2) controller.abort();
      },
    });
    await expect(attempt).rejects.toThrow(BuildAbortedError);
    const after = snapshot(out);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [path, bytes] of before) expect(bytes.equals(after.get(path)!)).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'provenance.json'), 'utf8')).codeVersion).toBe('old');
  });

  it('refuses to replace a folder it did not write', async () => {
    const out = freshDir();
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'notes.txt'), 'precious');
    await expect(buildDatasets(small, out, { sources })).rejects.toThrow(/refusing to replace .*: it is not empty and is not a datasets folder/);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('precious');
    const empty = freshDir();
    mkdirSync(empty);
    await buildDatasets(parseDataParams({ subset: { total: 140 }, sets: {} }), empty, { sources });
    expect(readDatasetsIndex(empty).sets.length).toBe(3);
  });

  it('names the field and file when the data cannot satisfy the params', async () => {
    const params = parseDataParams({ sets: { many: { digits: [0], count: 5000 } } });
    const attempt = buildDatasets(params, freshDir(), { sources, paramsFile: 'params/data.yaml' });
    await expect(attempt).rejects.toThrow(ParamsError);
    await expect(buildDatasets(params, freshDir(), { sources, paramsFile: 'params/data.yaml' })).rejects.toThrow(
      /params\/data.yaml: `sets.many.count` asks for 5000 digits but source "test" restricted to \[0\] has 980/,
    );
  });

  it('leaves no output when the CLI process is killed mid-build', async () => {
    const root = freshDir();
    mkdirSync(root, { recursive: true });
    const paramsFile = join(root, 'data.json');
    // The grid set (10,000 digits x 36 angles) takes far longer than it takes to
    // see the first progress line and kill the process.
    writeFileSync(paramsFile, JSON.stringify({ subset: { total: 700 }, sets: { huge: { count: 10_000, rotation: { kind: 'grid', step: 10 } } } }));
    const out = join(root, 'datasets');
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--params', paramsFile, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let sawFirstSet = false;
    try {
      for await (const line of createInterface({ input: child.stdout })) {
        if (/^\[1\/4\] train: 540 images/.test(line)) {
          sawFirstSet = true;
          break;
        }
      }
    } finally {
      child.kill('SIGKILL');
    }
    expect(sawFirstSet).toBe(true);
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    // The killed build's staging folder is incomplete (no top-level manifest) and is swept by the next build.
    const staged = readdirSync(root).filter((n) => n.startsWith('.datasets.tmp-'));
    expect(staged.length).toBe(1);
    expect(existsSync(join(root, staged[0]!, 'manifest.json'))).toBe(false);
    await buildDatasets(parseDataParams({ subset: { total: 700 }, sets: {} }), out, { sources });
    expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readDatasetsIndex(out).sets.length).toBe(3);
  }, 30_000);
});
