import { defaultsFor, describeFields, type Fields, ParamsError, PROFILES, resolveProfiled } from '@sgvae/contracts/params';
import { describe, expect, it } from 'vitest';
import { resolveJudgeParams } from '../stage/judge-stage.ts';
import { resolveVaeParams } from '../stage/vae-stage.ts';
import { JUDGE_SCHEMA, VAE_SCHEMA } from './stage-params.ts';

describe('training stage params', () => {
  it('gives every field a default in every profile and documents it', () => {
    for (const s of [VAE_SCHEMA, JUDGE_SCHEMA] as Fields[]) {
      for (const profile of PROFILES) {
        const d = defaultsFor(s, profile);
        expect(resolveProfiled(s, d)).toEqual(d);
      }
      expect(describeFields(s).split('\n')).toHaveLength(Object.keys(s).length + 2);
    }
  });

  it('refuses bad values with the file and the field', () => {
    expect(() => resolveVaeParams({ encoder: 'gcn' }, 'p.json')).toThrow(/^p.json: `encoder` must be one of "cnn", "gcnn", "so2", got "gcn"$/);
    expect(() => resolveVaeParams({ latentDim: 1 }, { file: 'p.yaml', section: 'train.sgvae' })).toThrow(
      /^p.yaml: `train.sgvae.latentDim` must be an integer in \[2, 256\], got 1$/,
    );
    expect(() => resolveJudgeParams({ seed: 0 })).toThrow(ParamsError);
    expect(() => resolveJudgeParams({ maxTestImage: 5 })).toThrow(/`maxTestImage` is not a known key \(did you mean `maxTestImages`\?\)/);
  });
});
