import { describe, expect, it } from 'vitest';
import { ParamsError } from './errors.ts';
import { all, defaultsFor, describeFields, documentedProfileSchema, field, type Fields, resolveProfiled } from './profiles.ts';
import { choice, flag, mapping, number, z } from './schema.ts';

const fields = {
  epochs: field(number({ integer: true, min: 1 }), 'epochs', { smoke: 1, default: 5, paper: 100 }),
  rate: field(number({ above: 0 }), 'rate', { smoke: 0.1, default: 0.1, paper: 0.01 }),
  mode: field(choice(['a', 'b']), 'mode', { smoke: 'a', default: 'a', paper: 'b' }),
  on: field(flag(), 'flag', { smoke: false, default: false, paper: true }),
  model: field(mapping(), 'nested config', { smoke: { widths: [2] }, default: {}, paper: {} }),
} satisfies Fields;

describe('profiled params', () => {
  it('fills defaults from the chosen profile and keeps given values, profile first', () => {
    expect(resolveProfiled(fields, {})).toEqual({ profile: 'default', epochs: 5, rate: 0.1, mode: 'a', on: false, model: {} });
    const paper = resolveProfiled(fields, { on: false, profile: 'paper', epochs: 3 });
    expect(paper).toEqual({ profile: 'paper', epochs: 3, rate: 0.01, mode: 'b', on: false, model: {} });
    expect(Object.keys(paper)).toEqual(['profile', 'epochs', 'rate', 'mode', 'on', 'model']);
  });

  it('hands out copies of object defaults', () => {
    const a = resolveProfiled(fields, { profile: 'smoke' });
    (a.model.widths as number[]).push(9);
    expect(resolveProfiled(fields, { profile: 'smoke' }).model).toEqual({ widths: [2] });
    expect(fields.model.defaults.smoke).toEqual({ widths: [2] });
  });

  it('names the file, the section, the field and the problem', () => {
    const cases: [unknown, RegExp][] = [
      [{ epochs: 1.5 }, /^f.yaml: `epochs` must be an integer >= 1, got 1.5$/],
      [{ epochs: 0 }, /`epochs` must be an integer >= 1, got 0/],
      [{ epochs: '3' }, /`epochs` must be an integer >= 1, got "3"/],
      [{ rate: 0 }, /`rate` must be a number > 0, got 0/],
      [{ mode: 'c' }, /`mode` must be one of "a", "b", got "c"/],
      [{ on: 'yes' }, /`on` must be true or false, got "yes"/],
      [{ model: [1] }, /`model` must be a mapping, got a list/],
      [{ epoch: 3 }, /`epoch` is not a known key \(did you mean `epochs`\?\); allowed here: profile, epochs, rate, mode, on, model/],
      [{ profile: 'fast' }, /`profile` must be one of "smoke", "default", "paper", got "fast"/],
      [[1], /^f.yaml: must be a mapping of params, got a list$/],
      [null, /must be a mapping of params, got null/],
    ];
    for (const [raw, message] of cases) {
      expect(() => resolveProfiled(fields, raw, { file: 'f.yaml' })).toThrow(ParamsError);
      expect(() => resolveProfiled(fields, raw, { file: 'f.yaml' })).toThrow(message);
    }
    expect(() => resolveProfiled(fields, { mode: 'c' }, { file: 'p.yaml', section: 'train.sgvae' })).toThrow(/^p.yaml: `train.sgvae.mode` must be one of/);
    expect(() => resolveProfiled(fields, 3, { file: 'p.yaml', section: 'train.sgvae' })).toThrow(/^p.yaml: `train.sgvae` must be a mapping of params/);
  });

  it('lists every problem, with the field of each', () => {
    let error: unknown;
    try {
      resolveProfiled(fields, { profile: 'fast', epochs: 0, rat: 1 }, { file: 'f.yaml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParamsError);
    expect((error as ParamsError).issues.map((i) => i.field).sort()).toEqual(['epochs', 'profile', 'rat']);
    expect((error as Error).message).toMatch(/^f.yaml: 3 problems:\n {2}- `/);
    expect((error as Error).message).toMatch(/`rat` is not a known key \(did you mean `rate`\?\)/);
  });

  it('resolves the defaults of every profile to themselves and documents every field', () => {
    for (const profile of ['smoke', 'default', 'paper'] as const) {
      const d = defaultsFor(fields, profile);
      expect(resolveProfiled(fields, d)).toEqual(d);
    }
    expect(describeFields(fields).split('\n')).toHaveLength(Object.keys(fields).length + 2);
    expect(all(3)).toEqual({ smoke: 3, default: 3, paper: 3 });
  });

  it('gives editors the default profile\'s defaults and notes the others', () => {
    const json = z.toJSONSchema(documentedProfileSchema(fields), { io: 'input' }) as {
      properties: Record<string, { default?: unknown; description?: string }>;
      additionalProperties: unknown;
    };
    expect(json.additionalProperties).toBe(false);
    expect(json.properties.epochs.default).toBe(5);
    expect(json.properties.epochs.description).toBe('epochs (per profile: smoke 1, default 5, paper 100)');
    expect(json.properties.profile.default).toBe('default');
  });
});
