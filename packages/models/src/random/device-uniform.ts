// Uniform noise drawn by native TensorFlow instead of JavaScript.
//
// tfjs fills tf.randomUniform (and with it tf.dropout's mask) with seedrandom
// in JavaScript and then uploads the buffer, on every backend; for the S-GVAE
// that is millions of numbers and about a quarter of a training step.
// TensorFlow's StatelessRandomUniform makes them on the device from a [2]
// seed. It is counter-based (Philox), so the numbers depend only on the seed
// and the shape, not on thread scheduling.
//
// The op seed is two 31-bit draws of Math.random. The trainer seeds
// Math.random per step (withSeededRandom in packages/train), so the noise is
// a function of (run seed, epoch, step) like everything else tfjs draws, and a
// resumed run reproduces it with no generator state of its own.
//
// tfjs-node has no kernel for this op, so it is executed through the backend's
// own op-execution entry point (`executeSingleOutput`, which tfjs-node's
// kernels use too). The output is made outside the engine's kernel path and
// so never enters a gradient tape: it is a constant, as noise should be.
import * as tf from '@tensorflow/tfjs-core';
import { NativeRandomUnavailableError, RandomArgumentError } from './errors.ts';

/** Name under which tfjs-node (and tfjs-node-gpu) register their backend. */
const NATIVE_BACKEND = 'tensorflow';
const NATIVE_OP = 'StatelessRandomUniform';
const SEED_RANGE = 2 ** 31;

interface NativeOpAttr {
  name: string;
  type: number;
  value: number;
}

/** The part of tfjs-node's NodeJSKernelBackend used here. */
interface NativeOpBackend {
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number; TF_INT32: number };
  executeSingleOutput(name: string, attrs: NativeOpAttr[], inputs: tf.Tensor[]): tf.Tensor;
}

function nativeOpBackend(): NativeOpBackend | null {
  if (tf.getBackend() !== NATIVE_BACKEND) return null;
  const backend = tf.backend() as unknown as Partial<NativeOpBackend>;
  if (typeof backend.executeSingleOutput !== 'function' || typeof backend.binding?.TF_ATTR_TYPE !== 'number') {
    throw new NativeRandomUnavailableError(
      `the "${NATIVE_BACKEND}" backend does not expose executeSingleOutput/binding, so ${NATIVE_OP} cannot run; ` +
        'use @tensorflow/tfjs-node (or -gpu) 4.22, whose NodeJSKernelBackend has them',
    );
  }
  return backend as NativeOpBackend;
}

/** Whether deviceRandomUniform runs natively on the active backend (otherwise it uses tf.randomUniform). */
export function usesNativeRandom(): boolean {
  return nativeOpBackend() !== null;
}

function assertShape(shape: readonly number[]): void {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RandomArgumentError(`deviceRandomUniform: shape must be non-negative integers, got [${shape.join(', ')}]`);
  }
}

function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new RandomArgumentError(`deviceRandomUniform: seed must be a safe integer, got ${String(seed)}`);
  }
}

/** An explicit seed as the op's [2] seed: its low and high 31-bit digits. */
function seedPair(seed: number): [number, number] {
  const mod = (v: number): number => ((v % SEED_RANGE) + SEED_RANGE) % SEED_RANGE;
  return [mod(seed), mod(Math.floor(seed / SEED_RANGE))];
}

/**
 * Float32 noise uniform on [0, 1) of the given shape.
 *
 * On the native backend: StatelessRandomUniform with a seed from `seed` if
 * given, else from two draws of Math.random. On any other backend:
 * `tf.randomUniform(shape, 0, 1, 'float32', seed)`, as before (one draw of
 * Math.random when unseeded). The two paths give different numbers.
 */
export function deviceRandomUniform(shape: readonly number[], seed?: number): tf.Tensor {
  assertShape(shape);
  if (seed !== undefined) assertSeed(seed);
  const backend = nativeOpBackend();
  if (backend === null) return tf.randomUniform([...shape], 0, 1, 'float32', seed);
  const pair = seed !== undefined ? seedPair(seed) : [Math.floor(Math.random() * SEED_RANGE), Math.floor(Math.random() * SEED_RANGE)];
  const { binding } = backend;
  const attrs: NativeOpAttr[] = [
    { name: 'dtype', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_INT32 },
    { name: 'Tseed', type: binding.TF_ATTR_TYPE, value: binding.TF_INT32 },
  ];
  const shapeTensor = tf.tensor1d([...shape], 'int32');
  const seedTensor = tf.tensor1d(pair, 'int32');
  try {
    return backend.executeSingleOutput(NATIVE_OP, attrs, [shapeTensor, seedTensor]);
  } finally {
    shapeTensor.dispose();
    seedTensor.dispose();
  }
}
