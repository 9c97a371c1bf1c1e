import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendError, SlowBackendRefusedError, resolveBackendName, useBackend } from './backend.ts';

describe('backend selection', () => {
  it('runs the tests on native TensorFlow', () => {
    expect(tf.getBackend()).toBe('tensorflow');
    expect(tf.square(tf.tensor([3])).dataSync()[0]).toBe(9);
  });

  it('resolves flag over environment over default', () => {
    expect(resolveBackendName(undefined, {})).toEqual({ name: 'tensorflow', source: 'default' });
    expect(resolveBackendName(undefined, { SGVAE_BACKEND: 'tensorflow-gpu' })).toEqual({
      name: 'tensorflow-gpu',
      source: 'env',
    });
    expect(resolveBackendName('cpu', { SGVAE_BACKEND: 'tensorflow-gpu' })).toEqual({ name: 'cpu', source: 'flag' });
  });

  it('names the flag or variable when the backend is unknown', () => {
    expect(() => resolveBackendName('webgpu', {})).toThrow(/--backend="webgpu".*tensorflow, tensorflow-gpu, cpu/);
    expect(() => resolveBackendName(undefined, { SGVAE_BACKEND: 'gpu' })).toThrow(BackendError);
    expect(() => resolveBackendName(undefined, { SGVAE_BACKEND: 'gpu' })).toThrow(/SGVAE_BACKEND="gpu"/);
  });

  it('refuses the pure-JavaScript backend for training and evaluation, saying why', async () => {
    await expect(useBackend('cpu', { purpose: 'train' })).rejects.toThrow(SlowBackendRefusedError);
    await expect(useBackend('cpu', { purpose: 'eval' })).rejects.toThrow(/npm run setup/);
    expect(tf.getBackend()).toBe('tensorflow');
  });
});
