import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParamsError } from '@sgvae/contracts/params';
import { judgeConfigFor, resolveJudgeParams, resolveVaeParams, vaeNetConfigFor } from '@sgvae/train';
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkParams, checkParamsFile, paramsFiles, paramsSchemaText, REGENERATE, REPO_ROOT, SCHEMA_FILE } from './params-schema.mts';

// ajv is CommonJS: its default export arrives as the module object or the class.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module.default;

const schema = JSON.parse(paramsSchemaText()) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
const read = (file: string): unknown => parseYaml(readFileSync(join(REPO_ROOT, file), 'utf8'));

describe('the params files and their JSON schema', () => {
  it(`${SCHEMA_FILE} is the one the stages' schemas generate`, () => {
    const committed = readFileSync(join(REPO_ROOT, SCHEMA_FILE), 'utf8');
    expect(committed === paramsSchemaText(), `${SCHEMA_FILE} is out of date: run \`${REGENERATE}\` and commit it`).toBe(true);
  });

  it('finds the params files, each pointing editors at the schema', () => {
    expect(paramsFiles()).toContain('pipelines/params/default.yaml');
    for (const file of paramsFiles()) {
      expect(readFileSync(join(REPO_ROOT, file), 'utf8').split('\n')[0], file).toBe('# yaml-language-server: $schema=./params.schema.json');
    }
  });

  it.each(paramsFiles())('%s passes the JSON schema', (file) => {
    expect(validate(read(file)), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it.each(paramsFiles())("%s passes the stages' validators, architectures included", (file) => {
    const resolved = checkParamsFile(file);
    for (const [section, params] of Object.entries(resolved)) {
      if (section === 'train.judge') judgeConfigFor(resolveJudgeParams(params, { file, section }), file);
      else if (section.startsWith('train.')) vaeNetConfigFor(resolveVaeParams(params, { file, section }), file);
    }
    expect(Object.keys(resolved)).toContain('data');
  });

  it('refuses what the stages refuse, naming the file and the full path of the field', () => {
    const bad = {
      data: { sets: { 'test-rotated': { rotation: { kind: 'spin' } } } },
      train: { judge: { preset: 'resnet18' }, sgvae: { encoder: 'gcn' } },
      eval: { limits: { pose: 0 } },
      extra: {},
    };
    expect(validate(bad)).toBe(false);
    const paths = new Set((validate.errors ?? []).map((e) => e.instancePath));
    for (const p of ['/data/sets/test-rotated/rotation', '/train/judge/preset', '/train/sgvae/encoder', '/eval/limits/pose']) expect(paths).toContain(p);
    expect(validate.errors?.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'extra')).toBe(true);

    const text = readFileSync(join(REPO_ROOT, 'pipelines/params/default.yaml'), 'utf8').replace('{kind: uniform, min: -180, max: 180}', '{kind: spin}');
    expect(text).toContain('kind: spin');
    let error: unknown;
    try {
      checkParams(parseYaml(text), 'pipelines/params/default.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParamsError);
    expect((error as Error).message).toBe(
      'pipelines/params/default.yaml: `data.sets.test-rotated.rotation.kind` must be one of "none", "uniform", "grid", "choice", got "spin"',
    );
    expect(() => checkParams({ data: {}, trian: {} }, 'p.yaml')).toThrow(/^p.yaml: `trian` is not a section of a params file \(did you mean `train`\?\)/);
    expect(() => checkParams({ train: { sgvae: { encoder: 'gcn' }, judge: { encoder: 'cnn' } } }, 'p.yaml')).toThrow(
      /^p.yaml: 2 problems:\n {2}- `train.sgvae.encoder` must be one of "cnn", "gcnn", "so2", got "gcn"\n {2}- `train.judge.encoder` is not a known key/,
    );
  });
});
