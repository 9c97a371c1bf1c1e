// Public entry of the device-side random numbers: uniform noise from native
// TensorFlow (seeded through Math.random) and the dropout built on it.
export { NativeRandomUnavailableError, RandomArgumentError, RandomError } from './errors.ts';
export { deviceRandomUniform, usesNativeRandom } from './device-uniform.ts';
export { DeviceDropout, deviceDropout } from './device-dropout.ts';
export type { DeviceDropoutArgs } from './device-dropout.ts';
