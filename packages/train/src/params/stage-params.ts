// The params of the two training stages, with their defaults per profile:
//   smoke   -- seconds on a laptop; checks that the stage runs end to end.
//   default -- sized for the project's 2-core CPU machines.
//   paper   -- the paper's settings (batch 100, Adam lr 1e-2, weight decay
//              1e-5, gamma 0.9, beta 0.1, latent 6, 100 epochs); meant for a GPU.
// A params file sets `profile` and overrides any field; unknown fields are errors.
import type { Schema, ParamsOf } from './schema.ts';

const all = <T>(v: T): Record<'smoke' | 'default' | 'paper', T> => ({ smoke: v, default: v, paper: v });

/** Caps on the training and validation images, shared by both stages (smoke runs use them). */
const IMAGE_CAPS = {
  maxTrainImages: {
    kind: 'number',
    integer: true,
    min: 0,
    description: 'use only the first N training images (0: all)',
    defaults: { smoke: 256, default: 0, paper: 0 },
  },
  maxValidationImages: {
    kind: 'number',
    integer: true,
    min: 0,
    description: 'use only the first N validation images (0: all)',
    defaults: { smoke: 128, default: 0, paper: 0 },
  },
} as const satisfies Schema;

/** How often the loop checkpoints and reads losses back, shared by both stages. */
const LOOP_CADENCE = {
  checkpointMinutes: {
    kind: 'number',
    min: 0,
    description: 'also checkpoint inside an epoch after this many minutes (0: only at epoch ends and on interrupt)',
    defaults: { smoke: 0, default: 10, paper: 10 },
  },
  readbackEvery: {
    kind: 'number',
    integer: true,
    min: 1,
    description: 'steps between read-backs of the losses from the device (and NaN checks)',
    defaults: { smoke: 4, default: 25, paper: 25 },
  },
} as const satisfies Schema;


/** softplus(0) + 1: the concentration the kappa head starts from with a zero bias. */
export const DEFAULT_KAPPA_INIT = 1 + Math.LN2;

export const VAE_SCHEMA = {
  encoder: {
    kind: 'enum',
    values: ['cnn', 'gcnn', 'so2'],
    description:
      'encoder family: `cnn` is the S-VAE baseline; the S-GVAE encoder is `gcnn` (C_N group convolutions, exact on the grid for C_4) or `so2` (SO(2)-steerable convolutions with Fourier nonlinearities, the paper\'s escnn design)',
    defaults: all('gcnn'),
  },
  preset: {
    kind: 'enum',
    values: ['default', 'paper'],
    description: 'architecture preset of @sgvae/models (`vaePreset`) that `model` overrides',
    defaults: { smoke: 'default', default: 'default', paper: 'paper' },
  },
  model: {
    kind: 'object',
    description:
      'partial architecture config merged over the preset (widths, kernelSize, N, ...; see VaeNetConfig). `latent` and `seed` come from the params below',
    defaults: {
      smoke: { encoder: { widths: [2, 4, 4], head: { hidden: 8 } }, decoder: { widths: [8, 8, 4] } },
      default: {},
      paper: {},
    },
  },
  latent: {
    kind: 'enum',
    values: ['vmf', 'normal'],
    description: 'posterior family: von Mises-Fisher with a uniform prior on the sphere, or a Gaussian with N(0, I)',
    defaults: all('vmf'),
  },
  latentDim: {
    kind: 'number',
    integer: true,
    min: 2,
    max: 256,
    description: 'ambient dimension m of the latent vector (the sphere is S^{m-1})',
    defaults: { smoke: 3, default: 6, paper: 6 },
  },
  kappaInit: {
    kind: 'number',
    min: 1.01,
    max: 1e6,
    description: 'vMF concentration the encoder starts from (the kappa head is softplus(x) + 1; 1.693 = bias 0, a posterior almost as wide as the sphere)',
    defaults: all(DEFAULT_KAPPA_INIT),
  },
  seed: {
    kind: 'number',
    integer: true,
    min: 0,
    max: 2 ** 31 - 1,
    description: 'seeds initialisers, shuffling, augmentation, dropout and latent sampling',
    defaults: all(1),
  },
  epochs: {
    kind: 'number',
    integer: true,
    min: 1,
    description: 'epochs to train; raising it later continues a finished run',
    defaults: { smoke: 2, default: 12, paper: 100 },
  },
  batchSize: { kind: 'number', integer: true, min: 1, description: 'training batch size', defaults: { smoke: 32, default: 100, paper: 100 } },
  evalBatchSize: { kind: 'number', integer: true, min: 1, description: 'validation batch size', defaults: { smoke: 128, default: 500, paper: 500 } },
  learningRate: { kind: 'number', above: 0, description: 'initial AdamW learning rate (the paper\'s 1e-2 also learns fastest in a few CPU epochs)', defaults: { smoke: 3e-3, default: 1e-2, paper: 1e-2 } },
  lrDecay: {
    kind: 'number',
    above: 0,
    max: 1,
    // default: a few CPU epochs; at gamma 0.9 the third epoch of the S-GVAE gained 1 nat of validation loss
    // against 14 in the second (learning rate still 8e-3), so the default profile halves it per epoch.
    description: 'learning rate multiplier per epoch (exponential decay, gamma)',
    defaults: { smoke: 0.9, default: 0.5, paper: 0.9 },
  },
  minLearningRate: { kind: 'number', min: 0, description: 'floor under the decayed learning rate', defaults: all(0) },
  weightDecay: { kind: 'number', min: 0, description: 'decoupled weight decay (AdamW)', defaults: all(1e-5) },
  beta1: { kind: 'number', min: 0, max: 0.999999, description: 'Adam beta1', defaults: all(0.9) },
  beta2: { kind: 'number', min: 0, max: 0.999999, description: 'Adam beta2', defaults: all(0.999) },
  beta: { kind: 'number', min: 0, description: 'weight of the KL term in the loss (beta-VAE)', defaults: all(0.1) },
  klWarmupEpochs: {
    kind: 'number',
    integer: true,
    min: 0,
    description: 'epochs over which the KL weight rises linearly to beta (0: no warm-up)',
    defaults: all(0),
  },
  augmentRotation: {
    kind: 'boolean',
    description: 'rotate each training image by a random angle (the rotation-augmented S-VAE baseline)',
    defaults: all(false),
  },
  rotationDegrees: {
    kind: 'number',
    min: 0,
    max: 180,
    description: 'with augmentRotation: angles are uniform in [-rotationDegrees, rotationDegrees)',
    defaults: all(180),
  },
  augmentTarget: {
    kind: 'enum',
    values: ['upright', 'rotated'],
    description:
      'with augmentRotation: what the decoder must reconstruct. `upright`: the digit before it was turned (the fair baseline: ' +
      'it sees rotated digits and is asked for the upright one, the task the S-GVAE solves without ever seeing one); ' +
      '`rotated`: the turned input itself (an autoencoder of rotated digits, which must keep the pose)',
    defaults: all('upright'),
  },
  trainSet: { kind: 'string', description: 'dataset (folder under --data) to train on', defaults: all('train') },
  validationSet: { kind: 'string', description: 'dataset that picks the best epoch', defaults: all('val') },
  ...IMAGE_CAPS,
  ...LOOP_CADENCE,
} as const satisfies Schema;

export type VaeParams = ParamsOf<typeof VAE_SCHEMA>;

export const JUDGE_SCHEMA = {
  preset: {
    kind: 'enum',
    values: ['light', 'resnet50'],
    description: 'judge ResNet preset of @sgvae/models (`judgePreset`): a 0.3M-parameter basic-block ResNet, or the paper\'s ResNet-50',
    defaults: { smoke: 'light', default: 'light', paper: 'resnet50' },
  },
  model: {
    kind: 'object',
    description: 'judge config fields replacing the preset\'s (JudgeConfig: stem, stages, block, ...); `seed` comes from the params',
    defaults: {
      smoke: { stem: { channels: 4 }, stages: [{ blocks: 1, channels: 8, stride: 2 }] },
      default: {},
      paper: {},
    },
  },
  seed: {
    kind: 'number',
    integer: true,
    min: 1,
    max: 2 ** 31 - 1,
    description: 'seeds initialisers, shuffling, augmentation and dropout (>= 1: the judge config refuses 0)',
    defaults: all(1),
  },
  epochs: { kind: 'number', integer: true, min: 1, description: 'epochs to train', defaults: { smoke: 1, default: 4, paper: 10 } },
  batchSize: { kind: 'number', integer: true, min: 1, description: 'training batch size', defaults: { smoke: 32, default: 128, paper: 100 } },
  evalBatchSize: { kind: 'number', integer: true, min: 1, description: 'evaluation batch size', defaults: { smoke: 128, default: 500, paper: 500 } },
  learningRate: { kind: 'number', above: 0, description: 'initial AdamW learning rate', defaults: { smoke: 3e-3, default: 3e-3, paper: 1e-3 } },
  lrDecay: { kind: 'number', above: 0, max: 1, description: 'learning rate multiplier per epoch', defaults: { smoke: 0.5, default: 0.5, paper: 0.8 } },
  minLearningRate: { kind: 'number', min: 0, description: 'floor under the decayed learning rate', defaults: all(0) },
  weightDecay: { kind: 'number', min: 0, description: 'decoupled weight decay (AdamW)', defaults: all(1e-4) },
  beta1: { kind: 'number', min: 0, max: 0.999999, description: 'Adam beta1', defaults: all(0.9) },
  beta2: { kind: 'number', min: 0, max: 0.999999, description: 'Adam beta2', defaults: all(0.999) },
  rotationDegrees: {
    kind: 'number',
    min: 0,
    max: 180,
    description: 'light augmentation: rotate training digits by a uniform angle in [-d, d) (0: off)',
    defaults: { smoke: 10, default: 10, paper: 10 },
  },
  trainSet: { kind: 'string', description: 'dataset to train on', defaults: all('train') },
  validationSet: { kind: 'string', description: 'dataset that picks the best epoch', defaults: all('val') },
  testSet: { kind: 'string', description: 'dataset whose accuracy is reported at the end', defaults: all('test') },
  ...IMAGE_CAPS,
  maxTestImages: {
    kind: 'number',
    integer: true,
    min: 0,
    description: 'use only the first N test images (0: all)',
    defaults: { smoke: 128, default: 0, paper: 0 },
  },
  ...LOOP_CADENCE,
} as const satisfies Schema;

export type JudgeParams = ParamsOf<typeof JUDGE_SCHEMA>;

/** Fields that do not change what is computed: a checkpoint stays valid when only these change. */
export const NON_SEMANTIC_PARAMS: readonly string[] = ['epochs', 'readbackEvery', 'checkpointMinutes'];
