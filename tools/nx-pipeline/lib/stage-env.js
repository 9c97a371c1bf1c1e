// @ts-check
'use strict';

/**
 * Environment additions of a stage's process: with `threads`, TensorFlow's
 * intra- and inter-op thread pools (libtensorflow reads both when it loads).
 * The stage's own setting wins over the caller's environment, because it is
 * the one hashed.
 * @param {{threads?: number}} record
 * @returns {Record<string, string>}
 */
function stageEnv(record) {
  if (record.threads === undefined) return {};
  const n = String(record.threads);
  return { TF_NUM_INTRAOP_THREADS: n, TF_NUM_INTEROP_THREADS: n };
}

module.exports = { stageEnv };
