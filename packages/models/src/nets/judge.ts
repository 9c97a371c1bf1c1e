// The judge: a ResNet that classifies (reconstructed) digits. `resnet50` is
// the paper's (7x7 stride-2 stem with 64 channels, 3x3 max pool, bottleneck
// blocks [3, 4, 6, 3], about 23.5M parameters); `light` is a basic-block
// ResNet of about 0.3M parameters for CPU profiles. Convolutions have no bias
// (batch norm follows each); the head is global average pooling and a linear
// layer to class logits.
import { initializers, input, layers, model, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { channelBatchNorm } from './batch-norm.ts';
import { NetConfigError } from './errors.ts';
import { layerSeed } from './encoders.ts';

export const JUDGE_PRESET_NAMES = ['light', 'resnet50'] as const;
export type JudgePresetName = (typeof JUDGE_PRESET_NAMES)[number];

export interface JudgeStage {
  blocks: number;
  /** Basic blocks: output channels. Bottleneck blocks: inner width (output is 4x). */
  channels: number;
  /** Stride of the first block of the stage. */
  stride: number;
}

export interface JudgeConfig {
  imageSize: number;
  channels: number;
  classes: number;
  block: 'basic' | 'bottleneck';
  stem: { channels: number; kernelSize: number; stride: number; maxPool: boolean };
  stages: JudgeStage[];
  batchNorm: { momentum: number; epsilon: number };
  seed: number | null;
}

const BOTTLENECK_EXPANSION = 4;

const PRESETS: Record<JudgePresetName, JudgeConfig> = {
  light: {
    imageSize: 33,
    channels: 1,
    classes: 10,
    block: 'basic',
    stem: { channels: 24, kernelSize: 3, stride: 1, maxPool: false },
    stages: [
      { blocks: 1, channels: 32, stride: 2 },
      { blocks: 1, channels: 64, stride: 2 },
      { blocks: 1, channels: 128, stride: 2 },
    ],
    batchNorm: { momentum: 0.9, epsilon: 1e-5 },
    seed: null,
  },
  resnet50: {
    imageSize: 33,
    channels: 1,
    classes: 10,
    block: 'bottleneck',
    stem: { channels: 64, kernelSize: 7, stride: 2, maxPool: true },
    stages: [
      { blocks: 3, channels: 64, stride: 1 },
      { blocks: 4, channels: 128, stride: 2 },
      { blocks: 6, channels: 256, stride: 2 },
      { blocks: 3, channels: 512, stride: 2 },
    ],
    batchNorm: { momentum: 0.9, epsilon: 1e-5 },
    seed: null,
  },
};

/** Judge preset by name; the VAE profile names map to `default` -> light, `paper` -> resnet50. */
export function judgePreset(name: JudgePresetName | 'default' | 'paper'): JudgeConfig {
  const key: JudgePresetName = name === 'default' ? 'light' : name === 'paper' ? 'resnet50' : name;
  const p = PRESETS[key];
  if (p === undefined) {
    throw new NetConfigError('judge.preset', `unknown judge preset ${JSON.stringify(name)}; use one of ${JUDGE_PRESET_NAMES.join(', ')}, default, paper`);
  }
  return JSON.parse(JSON.stringify(p)) as JudgeConfig;
}

function posInt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new NetConfigError(path, `must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/** Checks a complete judge config, naming the offending field. */
export function validateJudgeConfig(value: unknown): JudgeConfig {
  if (typeof value !== 'object' || value === null) throw new NetConfigError('judge', `must be an object, got ${JSON.stringify(value)}`);
  const c = value as Record<string, unknown>;
  const allowed = ['imageSize', 'channels', 'classes', 'block', 'stem', 'stages', 'batchNorm', 'seed'];
  for (const k of Object.keys(c)) if (!allowed.includes(k)) throw new NetConfigError(`judge.${k}`, `unknown field; allowed: ${allowed.join(', ')}`);
  if (c.block !== 'basic' && c.block !== 'bottleneck') throw new NetConfigError('judge.block', `must be 'basic' or 'bottleneck', got ${JSON.stringify(c.block)}`);
  const stem = c.stem as Record<string, unknown> | undefined;
  if (typeof stem !== 'object' || stem === null) throw new NetConfigError('judge.stem', 'must be an object {channels, kernelSize, stride, maxPool}');
  if (typeof stem.maxPool !== 'boolean') throw new NetConfigError('judge.stem.maxPool', `must be true or false, got ${JSON.stringify(stem.maxPool)}`);
  if (!Array.isArray(c.stages) || c.stages.length === 0) throw new NetConfigError('judge.stages', 'must be a non-empty list of {blocks, channels, stride}');
  const bn = c.batchNorm as Record<string, unknown> | undefined;
  if (typeof bn !== 'object' || bn === null || typeof bn.momentum !== 'number' || !(bn.momentum >= 0 && bn.momentum < 1)) {
    throw new NetConfigError('judge.batchNorm.momentum', 'must be a number in [0, 1)');
  }
  if (typeof bn.epsilon !== 'number' || !(bn.epsilon > 0)) throw new NetConfigError('judge.batchNorm.epsilon', 'must be a positive number');
  let seed: number | null = null;
  if (c.seed !== null && c.seed !== undefined) {
    if (typeof c.seed !== 'number' || !Number.isInteger(c.seed) || c.seed < 0 || c.seed > 2 ** 31 - 1) {
      throw new NetConfigError('judge.seed', `must be an integer in [0, 2^31 - 1] or null, got ${JSON.stringify(c.seed)}`);
    }
    seed = c.seed;
  }
  return {
    imageSize: posInt(c.imageSize, 'judge.imageSize'),
    channels: posInt(c.channels, 'judge.channels'),
    classes: posInt(c.classes, 'judge.classes'),
    block: c.block,
    stem: {
      channels: posInt(stem.channels, 'judge.stem.channels'),
      kernelSize: posInt(stem.kernelSize, 'judge.stem.kernelSize'),
      stride: posInt(stem.stride, 'judge.stem.stride'),
      maxPool: stem.maxPool,
    },
    stages: c.stages.map((s: unknown, i: number) => {
      const st = (typeof s === 'object' && s !== null ? s : {}) as Record<string, unknown>;
      return {
        blocks: posInt(st.blocks, `judge.stages[${i}].blocks`),
        channels: posInt(st.channels, `judge.stages[${i}].channels`),
        stride: posInt(st.stride, `judge.stages[${i}].stride`),
      };
    }),
    batchNorm: { momentum: bn.momentum, epsilon: bn.epsilon },
    seed,
  };
}

/** A judge config from a preset with fields of `overrides` replacing the preset's (stages replaced whole). */
export function resolveJudgeConfig(overrides: Partial<JudgeConfig> = {}, preset: JudgePresetName | 'default' | 'paper' = 'light'): JudgeConfig {
  const base = judgePreset(preset);
  const merged: Record<string, unknown> = { ...base, ...overrides };
  if (overrides.stem !== undefined) merged.stem = { ...base.stem, ...overrides.stem };
  if (overrides.batchNorm !== undefined) merged.batchNorm = { ...base.batchNorm, ...overrides.batchNorm };
  return validateJudgeConfig(merged);
}

export function buildJudge(config: JudgeConfig): LayersModel {
  const cfg = validateJudgeConfig(config);
  let seedIndex = 0;
  const apply = (layer: { apply: (x: SymbolicTensor | SymbolicTensor[]) => unknown }, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor =>
    layer.apply(x) as SymbolicTensor;
  const conv = (x: SymbolicTensor, filters: number, kernelSize: number, stride: number, name: string): SymbolicTensor =>
    apply(
      layers.conv2d({
        filters,
        kernelSize,
        strides: stride,
        padding: 'same',
        useBias: false,
        kernelInitializer: initializers.heNormal({ seed: layerSeed(cfg.seed, seedIndex++) }),
        name,
      }),
      x,
    );
  const bn = (x: SymbolicTensor, name: string): SymbolicTensor => channelBatchNorm(x, cfg.batchNorm, name);
  const relu = (x: SymbolicTensor, name: string): SymbolicTensor => apply(layers.activation({ activation: 'relu', name }), x);

  const image = input({ shape: [cfg.imageSize, cfg.imageSize, cfg.channels], name: 'image' });
  let x = relu(bn(conv(image, cfg.stem.channels, cfg.stem.kernelSize, cfg.stem.stride, 'stem_conv'), 'stem_bn'), 'stem_relu');
  if (cfg.stem.maxPool) x = apply(layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'stem_pool' }), x);
  let channels = cfg.stem.channels;
  cfg.stages.forEach((stage, si) => {
    for (let b = 0; b < stage.blocks; b++) {
      const stride = b === 0 ? stage.stride : 1;
      const p = `s${si + 1}b${b + 1}`;
      const out = cfg.block === 'basic' ? stage.channels : stage.channels * BOTTLENECK_EXPANSION;
      let y: SymbolicTensor;
      if (cfg.block === 'basic') {
        y = relu(bn(conv(x, stage.channels, 3, stride, `${p}_conv1`), `${p}_bn1`), `${p}_relu1`);
        y = bn(conv(y, stage.channels, 3, 1, `${p}_conv2`), `${p}_bn2`);
      } else {
        // torchvision's ResNet v1.5: the stride sits on the 3x3 convolution.
        y = relu(bn(conv(x, stage.channels, 1, 1, `${p}_conv1`), `${p}_bn1`), `${p}_relu1`);
        y = relu(bn(conv(y, stage.channels, 3, stride, `${p}_conv2`), `${p}_bn2`), `${p}_relu2`);
        y = bn(conv(y, out, 1, 1, `${p}_conv3`), `${p}_bn3`);
      }
      const shortcut = stride !== 1 || channels !== out ? bn(conv(x, out, 1, stride, `${p}_down`), `${p}_down_bn`) : x;
      x = relu(apply(layers.add({ name: `${p}_add` }), [y, shortcut]), `${p}_out`);
      channels = out;
    }
  });
  x = apply(layers.globalAveragePooling2d({ name: 'pool' }), x);
  const logits = apply(
    layers.dense({ units: cfg.classes, kernelInitializer: initializers.glorotUniform({ seed: layerSeed(cfg.seed, seedIndex++) }), name: 'logits' }),
    x,
  );
  return model({ inputs: image, outputs: logits, name: `judge_resnet_${cfg.block}` });
}
