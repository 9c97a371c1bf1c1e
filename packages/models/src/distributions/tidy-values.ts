import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` inside tf.tidy and returns its plain (non-tensor) result, e.g. arrays read with dataSync.
 * Returning such values from tf.tidy directly makes it visit every element of every typed array in
 * search of tensors: ~1 s for 5e5 floats.
 */
export function tidyValues<T>(fn: () => T): T {
  let result: T | undefined;
  tf.tidy(() => {
    result = fn();
  });
  return result as T;
}
