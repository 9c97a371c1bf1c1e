// The paper profile's ResNet-50 judge trains on the native CPU backend. Its
// 1x1 convolutions with channel pairs such as (512, 1024) used to kill the
// process with SIGFPE inside oneDNN on CPUs that report no cache sizes (the
// 2-core VMs this project runs on); the backend now computes every 1x1
// convolution as a matrix product. A crash here takes the test worker down.
import * as tf from '@tensorflow/tfjs-core';
import { buildJudge, resolveJudgeConfig } from '@sgvae/models';
import { describe, expect, it } from 'vitest';
import { trainStep, trainableVariables } from '../loop/train-loop.ts';
import { AdamW } from '../optim/adamw.ts';
import { withSeededRandom } from '../random/seeded-random.ts';
import { createJudgeTask } from './judge-task.ts';

describe('ResNet-50 judge', () => {
  it('runs a few training steps and lowers the loss on a repeated batch', () => {
    const model = withSeededRandom(1, () => buildJudge(resolveJudgeConfig({ seed: 1 }, 'paper')));
    expect(model.countParams()).toBeGreaterThan(20e6);
    const task = createJudgeTask(model);
    const variables = trainableVariables(task.models);
    const optimizer = new AdamW(variables, { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, weightDecay: 0 });
    const n = 4;
    const x = tf.tidy(() => tf.randomUniform([n, 33, 33, 1], 0, 1, 'float32', 7) as tf.Tensor4D);
    const labels = tf.tensor1d([0, 3, 6, 9], 'int32');
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      const stats = trainStep(task, variables, optimizer, { x, labels, size: 33 }, step);
      losses.push(stats.dataSync()[task.statNames.indexOf('loss')]);
      stats.dispose();
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]).toBeLessThan(losses[0]);
    tf.dispose([x, labels]);
    optimizer.dispose();
    model.dispose();
  });
});
