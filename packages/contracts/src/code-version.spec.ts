import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCodeVersion, gitCodeVersion, parseCodeVersion, resolveCodeVersion } from './code-version.ts';
import { ContractInputError } from './errors.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'code-version-'));
  dirs.push(dir);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  writeFileSync(join(dir, 'a.ts'), 'export const a = 1;\n');
  git('add', 'a.ts');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '-m', 'one');
  return dir;
}

describe('code version', () => {
  it('reads the commit of a checkout, and marks changed tracked files as dirty but not untracked ones', () => {
    const dir = repo();
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    expect(gitCodeVersion(dir)).toEqual({ commit: head, dirty: false });
    writeFileSync(join(dir, 'new.ts'), 'untracked\n');
    expect(gitCodeVersion(dir)?.dirty).toBe(false);
    writeFileSync(join(dir, 'a.ts'), 'export const a = 2;\n');
    expect(gitCodeVersion(dir)).toEqual({ commit: head, dirty: true });
    expect(formatCodeVersion(gitCodeVersion(dir))).toBe(`${head}+dirty`);
  });

  it('is null outside git, and formats as unknown', () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-git-'));
    dirs.push(dir);
    expect(gitCodeVersion(dir)).toBeNull();
    expect(formatCodeVersion(null)).toBe('unknown');
  });

  it('round-trips through its text form and takes a pinned version from the environment', () => {
    const v = { commit: 'abc1234def', dirty: true };
    expect(parseCodeVersion(formatCodeVersion(v))).toEqual(v);
    expect(parseCodeVersion('unknown')).toBeNull();
    expect(resolveCodeVersion({ SGVAE_CODE_VERSION: 'abc1234' }, tmpdir())).toEqual({ commit: 'abc1234', dirty: false });
  });

  it('refuses a pinned version that is not a commit, naming the variable', () => {
    expect(() => resolveCodeVersion({ SGVAE_CODE_VERSION: 'v1.2' }, tmpdir())).toThrow(ContractInputError);
    expect(() => resolveCodeVersion({ SGVAE_CODE_VERSION: 'v1.2' }, tmpdir())).toThrow(/\$SGVAE_CODE_VERSION is "v1.2".*git rev-parse HEAD/);
  });
});
