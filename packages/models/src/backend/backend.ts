// The one place that chooses the TensorFlow.js backend. Entry points (CLIs,
// benchmarks, test setup) call `useBackend` before building any model; library
// code only imports @tensorflow/tfjs-core / -layers and never picks a backend.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { installConv1x1AsMatMul } from './conv1x1-as-matmul.ts';

export const BACKEND_NAMES = ['tensorflow', 'tensorflow-gpu', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendPurpose = 'train' | 'eval' | 'bench' | 'test';

export interface BackendChoice {
  name: BackendName;
  /** Where the name came from: a CLI flag, the SGVAE_BACKEND variable, or the default. */
  source: 'flag' | 'env' | 'default';
}

export interface UseBackendOptions {
  /** Training and evaluation refuse the pure-JavaScript backend. */
  purpose: BackendPurpose;
}

export class BackendError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class BackendUnavailableError extends BackendError {}
export class SlowBackendRefusedError extends BackendError {}

const PACKAGES: Record<Exclude<BackendName, 'cpu'>, string> = {
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
};

/**
 * Resolves the backend from a CLI flag, then the environment (SGVAE_BACKEND),
 * then the default `tensorflow`. `env` is passed in by the entry point.
 */
export function resolveBackendName(flag: string | undefined, env: Record<string, string | undefined>): BackendChoice {
  const pick = (value: string, source: BackendChoice['source']): BackendChoice => {
    if (!(BACKEND_NAMES as readonly string[]).includes(value)) {
      const where = source === 'flag' ? '--backend' : 'SGVAE_BACKEND';
      throw new BackendError(`${where}="${value}" is not a backend; use one of: ${BACKEND_NAMES.join(', ')}`);
    }
    return { name: value as BackendName, source };
  };
  if (flag !== undefined && flag !== '') return pick(flag, 'flag');
  const fromEnv = env.SGVAE_BACKEND;
  if (fromEnv !== undefined && fromEnv !== '') return pick(fromEnv, 'env');
  return { name: 'tensorflow', source: 'default' };
}

/**
 * Loads and activates the backend. Never falls back: if the native backend
 * cannot load, this throws with the command that provisions it.
 */
export async function useBackend(name: BackendName, options: UseBackendOptions): Promise<string> {
  if (name === 'cpu') {
    if (options.purpose === 'train' || options.purpose === 'eval') {
      throw new SlowBackendRefusedError(
        `the pure-JavaScript "cpu" backend is refused for ${options.purpose}: one training step of a ` +
          '570k-parameter autoencoder takes about 91 s there against 81 ms on native TensorFlow. ' +
          'Run `npm run setup` and use --backend tensorflow (or tensorflow-gpu on a CUDA machine).',
      );
    }
    await import('@tensorflow/tfjs-backend-cpu');
  } else {
    const pkg = PACKAGES[name];
    // TensorFlow's C++ logging otherwise prints banners on every process start.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
    try {
      createRequire(import.meta.url)(pkg);
    } catch (cause) {
      throw new BackendUnavailableError(
        `backend "${name}" needs ${pkg}, which did not load. Run \`npm run setup\`` +
          (name === 'tensorflow-gpu' ? ' -- --backend tensorflow-gpu (needs CUDA and cuDNN)' : '') +
          ' to provision it; the setup script explains what it tried if it fails.',
        { cause },
      );
    }
  }
  const registered = name === 'cpu' ? 'cpu' : 'tensorflow';
  const ok = await tf.setBackend(registered);
  if (!ok || tf.getBackend() !== registered) {
    throw new BackendUnavailableError(`backend "${registered}" was registered but could not be activated`);
  }
  // oneDNN's 1x1 convolution can divide by zero on CPUs that report no cache
  // sizes (SIGFPE); see conv1x1-as-matmul.ts. The GPU build uses cuDNN instead.
  if (name === 'tensorflow') installConv1x1AsMatMul('tensorflow');
  return tf.getBackend();
}
