import { describe, expect, it } from 'vitest';
import { TrainParamsError } from '../errors.ts';
import { checkGrid, GridError, parseSetOverrides, parseSetValue } from './grid.ts';

const TRAIN = {
  sgvae: { profile: 'default', encoder: 'gcnn', epochs: 1 },
  svae: { profile: 'default', encoder: 'cnn', epochs: 1 },
};

const point = (model: string, beta: string, latentDim: string) => ({
  stage: `train-vae@${model}-${beta}-${latentDim}`,
  item: { model, beta, latentDim },
});

function problemsOf(points: ReturnType<typeof point>[]): readonly string[] {
  try {
    checkGrid(TRAIN, points, 'model', 'pipelines/sweep.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(GridError);
    expect((e as GridError).message).toMatch(/^pipelines\/sweep\.yaml: `matrix` has \d+ bad grid points?; no point of the grid was trained/);
    return (e as GridError).problems;
  }
  throw new Error('expected the grid to be refused');
}

describe('checkGrid', () => {
  it('resolves every point of a valid grid: the model entry, the values it replaces', () => {
    const grid = checkGrid(TRAIN, [point('sgvae', '0.01', '3'), point('svae', '150', '10')], 'model', 'p.yaml');
    expect(grid.points).toEqual([
      { stage: 'train-vae@sgvae-0.01-3', model: 'sgvae', set: { beta: 0.01, latentDim: 3 }, encoder: 'gcnn', beta: 0.01, latentDim: 3, latent: 'vmf' },
      { stage: 'train-vae@svae-150-10', model: 'svae', set: { beta: 150, latentDim: 10 }, encoder: 'cnn', beta: 150, latentDim: 10, latent: 'vmf' },
    ]);
  });

  it('refuses beta < 0 and names the point and the matrix field', () => {
    expect(problemsOf([point('sgvae', '-1', '3')])).toEqual([
      '`train-vae@sgvae--1-3` (model sgvae, beta -1, latentDim 3): `matrix.beta` must be a number >= 0, got -1',
    ]);
  });

  it('refuses a latent dimension the sphere cannot take: below 2, not an integer, too large', () => {
    expect(problemsOf([point('sgvae', '1', '1'), point('sgvae', '1', '2.5'), point('svae', '1', '1000')])).toEqual([
      '`train-vae@sgvae-1-1` (model sgvae, beta 1, latentDim 1): `matrix.latentDim` must be an integer in [2, 256], got 1',
      '`train-vae@sgvae-1-2.5` (model sgvae, beta 1, latentDim 2.5): `matrix.latentDim` must be an integer in [2, 256], got 2.5',
      '`train-vae@svae-1-1000` (model svae, beta 1, latentDim 1000): `matrix.latentDim` must be an integer in [2, 256], got 1000',
    ]);
  });

  it('refuses an unknown model name, with the closest one', () => {
    expect(problemsOf([point('sgvea', '1', '3')])).toEqual([
      "`train-vae@sgvea-1-3` (model sgvea, beta 1, latentDim 3): `model` sgvea is not a model of the params' `train` section (did you mean `sgvae`?); known: sgvae, svae",
    ]);
  });

  it('refuses two points that train the same model (two spellings of one value)', () => {
    expect(problemsOf([point('sgvae', '0.1', '3'), point('sgvae', '0.10', '3')])).toEqual([
      '`train-vae@sgvae-0.10-3` (model sgvae, beta 0.10, latentDim 3): trains the same model with the same params as `train-vae@sgvae-0.1-3` (a duplicate grid point); remove one of them',
    ]);
  });

  it('refuses a matrix key that is not a param, and a value the model params make invalid', () => {
    const bad = [{ stage: 'train-vae@sgvae-1', item: { model: 'sgvae', betta: '1' } }];
    expect(problemsOf(bad as never)).toEqual([
      '`train-vae@sgvae-1` (model sgvae, betta 1): `matrix.betta` (in matrix of train-vae@sgvae-1 betta=1) is not a param of the VAE stage (did you mean `beta`?)',
    ]);
    const train = { sgvae: { encoder: 'gcnn', kappaInit: 0.5 } };
    expect(() => checkGrid(train, [point('sgvae', '1', '3')], 'model', 'p.yaml')).toThrow('`train.sgvae.kappaInit` must be a number in [1.01, 1000000], got 0.5');
  });

  it('refuses an empty grid and malformed records', () => {
    expect(() => checkGrid(TRAIN, [], 'model', 'p.yaml')).toThrow(TrainParamsError);
    expect(() => checkGrid(TRAIN, [{ stage: 'x' }] as never, 'model', 'p.yaml')).toThrow('is not a {stage, item} record');
  });
});

describe('--set values', () => {
  it('types values as YAML would', () => {
    expect([parseSetValue('0.01'), parseSetValue('150'), parseSetValue('1e-3'), parseSetValue('-1'), parseSetValue('true'), parseSetValue('gcnn')]).toEqual([
      0.01, 150, 0.001, -1, true, 'gcnn',
    ]);
  });

  it('refuses unknown keys, a missing `=`, and a key set twice', () => {
    expect(parseSetOverrides(['beta=0.1', 'latentDim=3'], '--set')).toEqual({ beta: 0.1, latentDim: 3 });
    expect(() => parseSetOverrides(['latentdim=3'], '--set')).toThrow('(did you mean `latentDim`?)');
    expect(() => parseSetOverrides(['beta'], '--set')).toThrow('expects key=value');
    expect(() => parseSetOverrides(['beta=1', 'beta=2'], '--set')).toThrow('is set twice');
  });
});
