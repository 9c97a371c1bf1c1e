// The version of the code that wrote an artifact: the git commit and whether
// tracked files differed from it. Every stage records it through this one
// helper, so that the data manifests, the model manifests and the report name
// the code the same way.
import { execFileSync } from 'node:child_process';
import { ContractInputError } from './errors.ts';

export interface CodeVersion {
  /** Full commit hash of HEAD. */
  readonly commit: string;
  /** Tracked files differ from the commit (untracked files are not counted). */
  readonly dirty: boolean;
}

/** Environment variable that pins the code version of a run (e.g. a build from a source archive, without git). */
export const CODE_VERSION_ENV = 'SGVAE_CODE_VERSION';

const DIRTY = '+dirty';

/** `<commit>` or `<commit>+dirty`; `unknown` when the code is not a git checkout. */
export function formatCodeVersion(version: CodeVersion | null): string {
  return version === null ? 'unknown' : `${version.commit}${version.dirty ? DIRTY : ''}`;
}

/** Reads `formatCodeVersion`'s output back; `unknown` (or an empty string) is null. */
export function parseCodeVersion(text: string, source = 'code version'): CodeVersion | null {
  const t = text.trim();
  if (t === '' || t === 'unknown') return null;
  const dirty = t.endsWith(DIRTY);
  const commit = dirty ? t.slice(0, -DIRTY.length) : t;
  if (!/^[0-9a-f]{7,64}$/.test(commit)) {
    throw new ContractInputError(
      `${source} is "${text}", not a git commit (hex, 7 to 64 digits) optionally followed by "${DIRTY}"; ` +
        `set it to the output of \`git rev-parse HEAD\`, or unset it to read the version from git`,
    );
  }
  return { commit, dirty };
}

/** The commit of the git checkout at `cwd` and whether tracked files differ from it; null outside git. */
export function gitCodeVersion(cwd: string): CodeVersion | null {
  const git = (args: string[]): string =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const commit = git(['rev-parse', 'HEAD']).trim();
    const status = git(['status', '--porcelain', '--untracked-files=no']);
    return { commit, dirty: status.trim() !== '' };
  } catch {
    return null;
  }
}

/**
 * The code version for a stage run: `$SGVAE_CODE_VERSION` when set (checked),
 * else git at `cwd`. Called by the stage CLIs, which own the environment.
 */
export function resolveCodeVersion(env: Readonly<Record<string, string | undefined>>, cwd: string): CodeVersion | null {
  const pinned = env[CODE_VERSION_ENV];
  if (pinned !== undefined && pinned.trim() !== '') return parseCodeVersion(pinned, `$${CODE_VERSION_ENV}`);
  return gitCodeVersion(cwd);
}
