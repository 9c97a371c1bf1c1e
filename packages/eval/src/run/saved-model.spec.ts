// A model folder saved by the train stage of an earlier commit (a smoke
// S-GVAE: C8 G-CNN encoder with an orbit of three input turns) still loads,
// and encodes the images it was checked on to the mu and kappa recorded when
// it was saved.
import { join } from 'node:path';
import { expectRecordedEncoding, readRecordedEncoding, recordedImages } from '@sgvae/contracts/testing/recorded-encoding';
import { describe, expect, it } from 'vitest';
import { loadVae } from './load-models.ts';

const FIXTURE = join(import.meta.dirname, '..', 'testing', 'fixtures', 'smoke-sgvae');

describe('a model saved by an earlier commit', () => {
  it('loads and gives the recorded mu and kappa: bit for bit on the kind of machine that recorded them', async () => {
    const expected = readRecordedEncoding(join(FIXTURE, 'expected.json'));
    const vae = await loadVae(FIXTURE, { name: 'sgvae', batchSize: 4 });
    expect(vae).toMatchObject({ kind: 'sgvae', label: 'S-GVAE', latentDim: 3, imageSize: 33, seed: 1 });
    const { mu, kappa } = await vae.encode(recordedImages(expected), expected.count);
    vae.dispose();
    expectRecordedEncoding(mu, kappa, expected);
  });
});
