import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { NetConfigError } from './errors.ts';
import { buildJudge, judgePreset, resolveJudgeConfig } from './judge.ts';

function trainable(m: ReturnType<typeof buildJudge>): number {
  return m.trainableWeights.reduce((a, w) => a + w.shape.reduce((p: number, d) => p * (d ?? 1), 1), 0);
}

describe('judge ResNets', () => {
  it('ResNet-50 has the trainable parameters of torchvision resnet50 with a 1-channel stem and 10 classes', () => {
    // torchvision: 25,557,032 parameters; stem 64x3x7x7 -> 64x1x7x7 (-6,272); fc 2048x1000 -> 2048x10 (-2,028,510).
    const judge = buildJudge(judgePreset('paper'));
    expect(trainable(judge)).toBe(23_522_250);
    expect(judge.outputs[0]!.shape).toEqual([null, 10]);
    const shapes = ['stem_pool', 's1b3_out', 's2b4_out', 's3b6_out', 's4b3_out'].map((n) => judge.getLayer(n).outputShape);
    expect(shapes).toEqual([
      [null, 9, 9, 64],
      [null, 9, 9, 256],
      [null, 5, 5, 512],
      [null, 3, 3, 1024],
      [null, 2, 2, 2048],
    ]);
    judge.dispose();
  });

  it('the light ResNet has a few hundred thousand parameters and classifies a batch', () => {
    const judge = buildJudge(resolveJudgeConfig({ seed: 4 }));
    expect(trainable(judge)).toBe(306_514);
    const logits = judge.predict(tf.randomUniform([2, 33, 33, 1])) as tf.Tensor;
    expect(logits.shape).toEqual([2, 10]);
  });

  it('validates configs, naming the field', () => {
    expect(() => resolveJudgeConfig({ stages: [{ blocks: 0, channels: 8, stride: 1 }] })).toThrow(NetConfigError);
    expect(() => resolveJudgeConfig({ stages: [{ blocks: 0, channels: 8, stride: 1 }] })).toThrow(/^judge\.stages\[0\]\.blocks/);
    expect(() => resolveJudgeConfig({ block: 'wide' as 'basic' })).toThrow(/^judge\.block/);
    expect(() => judgePreset('huge' as 'light')).toThrow(/unknown judge preset/);
    expect(resolveJudgeConfig({ seed: 0 }, 'paper')).toMatchObject({ seed: 0, block: 'bottleneck' });
    expect(() => resolveJudgeConfig({ seed: -1 })).toThrow(/^judge\.seed/);
  });
});
