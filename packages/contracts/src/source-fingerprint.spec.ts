import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { sourceFingerprint } from './source-fingerprint.ts';

let root: string;
const roots: string[] = [];
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

function write(rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

// A workspace of three packages: app -> lib, and other (unrelated).
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fingerprint-'));
  roots.push(root);
  write('package.json', JSON.stringify({ workspaces: ['packages/*'] }));
  write('package-lock.json', '{"lockfileVersion": 3}');
  write('packages/app/package.json', JSON.stringify({ name: '@w/app', dependencies: { '@w/lib': '0.1.0', yaml: '2' } }));
  write('packages/app/src/main.ts', 'export const main = 1;\n');
  write('packages/lib/package.json', JSON.stringify({ name: '@w/lib' }));
  write('packages/lib/src/layer.ts', 'export const layer = 1;\n');
  write('packages/lib/src/layer.spec.ts', 'test\n');
  write('packages/lib/src/testing/fixture.ts', 'fixture\n');
  write('packages/lib/bench/speed.bench.ts', 'bench\n');
  write('packages/lib/README.md', 'docs\n');
  write('packages/other/package.json', JSON.stringify({ name: '@w/other' }));
  write('packages/other/src/x.ts', 'x\n');
});

describe('source fingerprint', () => {
  it('covers the package and the workspace packages it depends on', () => {
    const fp = sourceFingerprint(root, '@w/app');
    expect(fp.packages).toEqual(['@w/app', '@w/lib']);
    // package-lock, two package.json, two sources
    expect(fp.files).toBe(5);
    expect(fp.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(sourceFingerprint(root, '@w/app').digest).toBe(fp.digest);
  });

  it('changes when a dependency\'s source, a manifest or the lockfile changes', () => {
    const before = sourceFingerprint(root, '@w/app').digest;
    write('packages/lib/src/layer.ts', 'export const layer = 2;\n');
    const afterSource = sourceFingerprint(root, '@w/app').digest;
    expect(afterSource).not.toBe(before);
    write('package-lock.json', '{"lockfileVersion": 3, "x": 1}');
    expect(sourceFingerprint(root, '@w/app').digest).not.toBe(afterSource);
  });

  it('ignores specs, test helpers, benches, docs and packages it does not use', () => {
    const before = sourceFingerprint(root, '@w/app').digest;
    write('packages/lib/src/layer.spec.ts', 'changed test\n');
    write('packages/lib/src/testing/fixture.ts', 'changed fixture\n');
    write('packages/lib/bench/speed.bench.ts', 'changed bench\n');
    write('packages/lib/README.md', 'changed docs\n');
    write('packages/other/src/x.ts', 'changed\n');
    write('packages/app/node_modules/dep/index.js', 'installed\n');
    expect(sourceFingerprint(root, '@w/app').digest).toBe(before);
  });

  it('a renamed file changes the digest even with the same contents', () => {
    const before = sourceFingerprint(root, '@w/app').digest;
    rmSync(join(root, 'packages/app/src/main.ts'));
    write('packages/app/src/entry.ts', 'export const main = 1;\n');
    expect(sourceFingerprint(root, '@w/app').digest).not.toBe(before);
  });

  it('refuses an unknown package, listing the ones it found', () => {
    expect(() => sourceFingerprint(root, '@w/nope')).toThrow(/no workspace package is named @w\/nope \(found @w\/app, @w\/lib, @w\/other\)/);
  });
});
