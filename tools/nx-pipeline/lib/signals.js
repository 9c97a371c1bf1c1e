// @ts-check
'use strict';

/**
 * What a stage killed by a signal usually means, and what to try. Stages are
 * Node processes running native TensorFlow, so a signal almost always comes
 * from a native kernel or from the operating system, never from the stage's
 * own code, and no JavaScript error message exists to show instead.
 * @type {Record<string, {means: string, fix: string}>}
 */
const SIGNALS = {
  SIGFPE: {
    means: 'an arithmetic fault in native code, usually an integer division by zero inside a TensorFlow/oneDNN kernel',
    fix:
      'oneDNN plans some kernels from the CPU cache sizes, which some VMs do not report; the native backend already routes 1x1 ' +
      'convolutions around the known case (packages/models/src/backend/conv1x1-as-matmul.ts). To find the op, rerun the stage ' +
      'with ONEDNN_VERBOSE=1; to get past it, TF_ENABLE_ONEDNN_OPTS=0 (Eigen kernels: slower, but they do not crash)',
  },
  SIGILL: {
    means: 'an instruction this CPU does not have, usually a native binary built for a newer instruction set',
    fix: 'rebuild the native backend on this machine (`npm run setup`), or limit oneDNN with ONEDNN_MAX_CPU_ISA=AVX2',
  },
  SIGSEGV: {
    means: 'an invalid memory access in native code (a TensorFlow kernel or the tfjs-node addon)',
    fix: 'rerun once to rule out a one-off; if it repeats, rerun with ONEDNN_VERBOSE=1 to see the last kernel, or try TF_ENABLE_ONEDNN_OPTS=0',
  },
  SIGBUS: {
    means: 'a memory access the hardware refused, often a file that was truncated while mapped',
    fix: 'check free disk space and rerun',
  },
  SIGABRT: {
    means: 'native code aborted, usually a failed check inside TensorFlow (its message is in the output above)',
    fix: 'read the last lines the stage printed; a "Check failed" names the op and the shapes',
  },
  SIGKILL: {
    means: 'the process was killed from outside, most often by the kernel\'s out-of-memory killer',
    fix: 'check `dmesg` for "Out of memory"; lower batchSize or evalBatchSize, or run fewer stages at once (--parallel=1)',
  },
  SIGTERM: {
    means: 'the process was asked to stop (Ctrl-C on Nx, a CI timeout, or `kill`)',
    fix: 'run the pipeline again: training stages resume from their last checkpoint',
  },
  SIGINT: {
    means: 'the process was interrupted (Ctrl-C)',
    fix: 'run the pipeline again: training stages resume from their last checkpoint',
  },
};

/**
 * One sentence for a stage that died of `signal`: what it usually means and
 * what to try.
 * @param {string} signal e.g. `SIGFPE`
 * @returns {string}
 */
function signalAdvice(signal) {
  const known = SIGNALS[signal];
  if (!known) return `${signal} is not one the runner knows; see the output above`;
  return `${signal} usually means ${known.means}. ${known.fix[0].toUpperCase()}${known.fix.slice(1)}`;
}

module.exports = { signalAdvice, SIGNALS };
