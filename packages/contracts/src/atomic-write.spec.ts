import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleSiblings, writeFileAtomically, writeFolderAtomically, writeFolderAtomicallyAsync } from './atomic-write.ts';

const roots: string[] = [];
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));
function freshRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'atomic-write-'));
  roots.push(root);
  return root;
}

// pid 2^31 - 2 cannot exist on Linux (pid_max <= 2^22); our own pid is alive.
const DEAD_PID = 2147483646;

describe('atomic writes', () => {
  it('replaces a file whole, creating its folder, and leaves no temporary sibling', () => {
    const root = freshRoot();
    const target = join(root, 'sub', 'latest.json');
    writeFileAtomically(target, '{"a": 1}\n');
    writeFileAtomically(target, new TextEncoder().encode('{"a": 2}\n'));
    expect(readFileSync(target, 'utf8')).toBe('{"a": 2}\n');
    expect(readdirSync(join(root, 'sub'))).toEqual(['latest.json']);
  });

  it('replaces a folder whole and leaves it untouched when filling it fails', () => {
    const root = freshRoot();
    const target = join(root, 'out');
    writeFolderAtomically(target, (tmp) => writeFileSync(join(tmp, 'a.txt'), 'one'));
    writeFolderAtomically(target, (tmp) => {
      mkdirSync(join(tmp, 'nested'));
      writeFileSync(join(tmp, 'nested', 'b.txt'), 'two');
    });
    expect(readdirSync(target)).toEqual(['nested']);
    expect(() =>
      writeFolderAtomically(target, (tmp) => {
        writeFileSync(join(tmp, 'c.txt'), 'half');
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(readFileSync(join(target, 'nested', 'b.txt'), 'utf8')).toBe('two');
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('does the same for a fill that works asynchronously', async () => {
    const root = freshRoot();
    const target = join(root, 'out');
    await writeFolderAtomicallyAsync(target, (tmp) => writeFile(join(tmp, 'a.txt'), 'one'));
    await expect(
      writeFolderAtomicallyAsync(target, async (tmp) => {
        await writeFile(join(tmp, 'b.txt'), 'half');
        throw new Error('interrupted');
      }),
    ).rejects.toThrow('interrupted');
    expect(readdirSync(target)).toEqual(['a.txt']);
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('removes the temporary siblings of dead writers only, in every naming the stages used', () => {
    const root = freshRoot();
    const target = join(root, 'out');
    const stale = [`.out.tmp-${DEAD_PID}-0a0b0c0d`, `.out.old-${DEAD_PID}-0a0b0c`, `.out.tmp-${DEAD_PID}-lz3k9q2`];
    const kept = [`.out.tmp-${process.pid}-0a0b0c0d`, '.other.tmp-1', '.out.tmp-x'];
    for (const name of [...stale, ...kept]) mkdirSync(join(root, name));
    removeStaleSiblings(target);
    expect(readdirSync(root).sort()).toEqual([...kept].sort());
    removeStaleSiblings(join(root, 'missing', 'out'));
    expect(existsSync(join(root, 'missing'))).toBe(false);
  });
});
