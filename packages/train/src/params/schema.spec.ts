import { describe, expect, it } from 'vitest';
import { TrainParamsError } from '../errors.ts';
import { defaultsFor, describeSchema, resolveParams, type Schema } from './schema.ts';
import { JUDGE_SCHEMA, VAE_SCHEMA } from './stage-params.ts';

const schema = {
  epochs: { kind: 'number', integer: true, min: 1, description: 'epochs', defaults: { smoke: 1, default: 5, paper: 100 } },
  rate: { kind: 'number', above: 0, description: 'rate', defaults: { smoke: 0.1, default: 0.1, paper: 0.01 } },
  mode: { kind: 'enum', values: ['a', 'b'], description: 'mode', defaults: { smoke: 'a', default: 'a', paper: 'b' } },
  on: { kind: 'boolean', description: 'flag', defaults: { smoke: false, default: false, paper: true } },
} as const satisfies Schema;

describe('params schema', () => {
  it('fills defaults from the chosen profile and keeps given values', () => {
    expect(resolveParams(schema, {})).toEqual({ profile: 'default', epochs: 5, rate: 0.1, mode: 'a', on: false });
    expect(resolveParams(schema, { profile: 'paper', epochs: 3 })).toEqual({ profile: 'paper', epochs: 3, rate: 0.01, mode: 'b', on: true });
  });

  it('names the field, the file and the problem', () => {
    const cases: [unknown, RegExp][] = [
      [{ epochs: 1.5 }, /f.yaml: `epochs` must be an integer, got 1.5/],
      [{ epochs: 0 }, /`epochs` must be >= 1/],
      [{ rate: 0 }, /`rate` must be > 0/],
      [{ mode: 'c' }, /`mode` must be one of "a", "b"/],
      [{ on: 'yes' }, /`on` must be true or false/],
      [{ epoch: 3 }, /`epoch` is not a param of this stage \(did you mean `epochs`\?\)/],
      [{ profile: 'fast' }, /`profile` must be one of smoke, default, paper/],
      [[1], /must be an object of params/],
    ];
    for (const [raw, message] of cases) {
      expect(() => resolveParams(schema, raw, 'f.yaml')).toThrow(TrainParamsError);
      expect(() => resolveParams(schema, raw, 'f.yaml')).toThrow(message);
    }
  });

  it('gives every stage field a default in every profile and documents it', () => {
    for (const s of [VAE_SCHEMA, JUDGE_SCHEMA] as Schema[]) {
      for (const profile of ['smoke', 'default', 'paper'] as const) {
        const d = defaultsFor(s, profile);
        expect(resolveParams(s, d)).toEqual(d);
      }
      expect(describeSchema(s).split('\n')).toHaveLength(Object.keys(s).length + 2);
    }
  });
});
