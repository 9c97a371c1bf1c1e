import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContractInputError } from '../errors.ts';
import { ParamsError } from './errors.ts';
import { paramsFileFormat, parseParamsText, readParamsFile, readParamsFileSync } from './read-file.ts';

const root = mkdtempSync(join(tmpdir(), 'params-read-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, text?: string): string {
  const path = join(root, name);
  if (text !== undefined) writeFileSync(path, text);
  return path;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The error both readers throw for `path`, checked to be the same ParamsError. */
async function failure(path: string, flag?: string): Promise<ParamsError> {
  let sync: unknown;
  try {
    readParamsFileSync(path, flag);
  } catch (error) {
    sync = error;
  }
  const async: unknown = await readParamsFile(path, flag).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(sync).toBeInstanceOf(ParamsError);
  expect(sync).toBeInstanceOf(ContractInputError);
  expect(async).toBeInstanceOf(ParamsError);
  expect((async as Error).message).toBe((sync as Error).message);
  const error = sync as ParamsError;
  expect(error.file).toBe(path);
  expect(error.field).toBe('');
  return error;
}

describe('reading a params file', () => {
  it('reads JSON and YAML by extension, sync and async alike', async () => {
    const json = file('p.json', '{"seed": 7, "sets": {"r": {"count": 20}}}');
    expect(await readParamsFile(json, '--params')).toEqual({ seed: 7, sets: { r: { count: 20 } } });
    expect(readParamsFileSync(json)).toEqual({ seed: 7, sets: { r: { count: 20 } } });
    const grid = file('grid.json', '[{"stage": "train@a", "item": {"beta": "0.1"}}]');
    expect(await readParamsFile(grid, '--grid')).toEqual([{ stage: 'train@a', item: { beta: '0.1' } }]);
    const yaml = file('p.yaml', '# a comment\nseed: 7\nsets:\n  r:\n    rotation: { kind: choice, angles: [0, 90] }\n');
    const expected = { seed: 7, sets: { r: { rotation: { kind: 'choice', angles: [0, 90] } } } };
    expect(await readParamsFile(yaml)).toEqual(expected);
    expect(readParamsFileSync(yaml)).toEqual(expected);
    expect(readParamsFileSync(file('P.YML', 'seed: 3\n'))).toEqual({ seed: 3 });
  });

  it('reads an empty YAML file, or one of comments only, as {} (all defaults)', async () => {
    expect(await readParamsFile(file('empty.yaml', ''))).toEqual({});
    expect(readParamsFileSync(file('empty.yml', ''))).toEqual({});
    expect(readParamsFileSync(file('comments.yaml', '# nothing set yet\n'))).toEqual({});
    expect(parseParamsText('', 'x.yaml')).toEqual({});
  });

  it('refuses a missing file or a folder, naming the file and the flag', async () => {
    const missing = file('missing.json');
    expect((await failure(missing, '--params')).message).toBe(
      `${missing}: cannot be read (ENOENT: no such file); pass an existing .json or .yaml file to --params`,
    );
    expect((await failure(missing)).message).toBe(`${missing}: cannot be read (ENOENT: no such file); pass an existing .json or .yaml file`);
    const folder = file('folder.yaml');
    mkdirSync(folder);
    expect((await failure(folder, '--eval-params')).message).toBe(
      `${folder}: cannot be read (EISDIR: it is a folder); pass an existing .json or .yaml file to --eval-params`,
    );
  });

  it('refuses bad JSON with the line and column of the problem', async () => {
    const bad = file('bad.json', '{"seed": 7,\n "size" 29}\n');
    const error = await failure(bad, '--params');
    expect(error.message).toMatch(new RegExp(`^${escape(bad)}: is not valid JSON at line 2, column 9 \\(.+\\); fix the syntax there, or pass another file to --params$`));
    expect(error.cause).toBeInstanceOf(SyntaxError);
    const truncated = file('truncated.json', '{"seed":');
    expect((await failure(truncated)).message).toBe(
      `${truncated}: is not valid JSON at line 1, column 9 (Unexpected end of JSON input); fix the syntax there, or pass another file`,
    );
    // An empty JSON file is not valid JSON (unlike YAML, where it means "all defaults").
    const empty = file('empty.json', '');
    expect((await failure(empty, '--params')).message).toMatch(new RegExp(`^${escape(empty)}: is not valid JSON at line 1, column 1 \\(`));
  });

  it('refuses bad YAML with the line and column of the problem', async () => {
    const broken = file('broken.yaml', 'seed: [1, 2\n');
    expect((await failure(broken, '--params')).message).toBe(
      `${broken}: is not valid YAML at line 2, column 1 (Flow sequence in block collection must be sufficiently indented and end with a ]); ` +
        'fix the syntax there, or pass another file to --params',
    );
    const nested = file('nested.yml', 'seed: 1\nsize: 29\n  sets: 2\n');
    expect((await failure(nested)).message).toBe(
      `${nested}: is not valid YAML at line 2, column 7 (Nested mappings are not allowed in compact mappings); fix the syntax there, or pass another file`,
    );
  });

  it('refuses any other extension before reading the file', async () => {
    expect(paramsFileFormat('a/p.json')).toBe('json');
    expect(paramsFileFormat('a/p.Yaml')).toBe('yaml');
    expect(paramsFileFormat('a/p.toml')).toBeNull();
    const toml = file('p.toml', 'seed = 1\n');
    expect((await failure(toml, '--params')).message).toBe(
      `${toml}: has extension ".toml", so it is read as neither JSON nor YAML; pass a .json, .yaml or .yml file to --params`,
    );
    const bare = file('params');
    expect((await failure(bare)).message).toBe(`${bare}: has no extension, so it is read as neither JSON nor YAML; pass a .json, .yaml or .yml file`);
  });
});
