// The params of the two training stages, with their defaults per profile:
//   smoke   -- seconds on a laptop; checks that the stage runs end to end.
//   default -- sized for the project's 2-core CPU machines.
//   paper   -- the paper's settings (batch 100, Adam lr 1e-2, weight decay
//              1e-5, gamma 0.9, beta 0.1, latent 6, 100 epochs); meant for a GPU.
// A params file sets `profile` and overrides any field; unknown fields are errors.
// The fields are those of the shared params schema (@sgvae/contracts/params).
import { all, choice, field, type Fields, flag, mapping, number, type ParamsOf, text } from '@sgvae/contracts/params';

/** Caps on the training and validation images, shared by both stages (smoke runs use them). */
const IMAGE_CAPS = {
  maxTrainImages: field(number({ integer: true, min: 0 }), 'use only the first N training images (0: all)', { smoke: 256, default: 0, paper: 0 }),
  maxValidationImages: field(
    number({ integer: true, min: 0 }),
    'use only the first N validation images (0: all)',
    { smoke: 128, default: 0, paper: 0 },
  ),
} satisfies Fields;

/** How often the loop checkpoints and reads losses back, shared by both stages. */
const LOOP_CADENCE = {
  checkpointMinutes: field(
    number({ min: 0 }),
    'also checkpoint inside an epoch after this many minutes (0: only at epoch ends and on interrupt)',
    { smoke: 0, default: 10, paper: 10 },
  ),
  readbackEvery: field(
    number({ integer: true, min: 1 }),
    'steps between read-backs of the losses from the device (and NaN checks)',
    { smoke: 4, default: 25, paper: 25 },
  ),
} satisfies Fields;

/** softplus(0) + 1: the concentration the kappa head starts from with a zero bias. */
export const DEFAULT_KAPPA_INIT = 1 + Math.LN2;

export const VAE_SCHEMA = {
  encoder: field(
    choice(['cnn', 'gcnn', 'so2']),
    'encoder family: `cnn` is the S-VAE baseline; the S-GVAE encoder is `gcnn` (C_N group convolutions, exact on the grid for C_4) or `so2` (SO(2)-steerable convolutions with Fourier nonlinearities, the paper\'s escnn design)',
    all('gcnn'),
  ),
  preset: field(
    choice(['default', 'paper']),
    'architecture preset of @sgvae/models (`vaePreset`) that `model` overrides',
    { smoke: 'default', default: 'default', paper: 'paper' },
  ),
  // Only a mapping here: its content is checked by the models package's
  // config (resolveVaeNetConfig) in vaeNetConfigFor, which names the bad field.
  model: field(
    mapping(),
    'partial architecture config merged over the preset (widths, kernelSize, N, ...; see VaeNetConfig). `latent` and `seed` come from the params below',
    {
      smoke: { encoder: { widths: [2, 4, 4], head: { hidden: 8 } }, decoder: { widths: [8, 8, 4] } },
      default: {},
      paper: {},
    },
  ),
  latent: field(
    choice(['vmf', 'normal']),
    'posterior family: von Mises-Fisher with a uniform prior on the sphere, or a Gaussian with N(0, I)',
    all('vmf'),
  ),
  latentDim: field(
    number({ integer: true, min: 2, max: 256 }),
    'ambient dimension m of the latent vector (the sphere is S^{m-1})',
    { smoke: 3, default: 6, paper: 6 },
  ),
  kappaInit: field(
    number({ min: 1.01, max: 1e6 }),
    'vMF concentration the encoder starts from (the kappa head is softplus(x) + 1; 1.693 = bias 0, a posterior almost as wide as the sphere)',
    all(DEFAULT_KAPPA_INIT),
  ),
  seed: field(
    number({ integer: true, min: 0, max: 2 ** 31 - 1 }),
    'seeds initialisers, shuffling, augmentation, dropout and latent sampling',
    all(1),
  ),
  epochs: field(
    number({ integer: true, min: 1 }),
    'epochs to train; raising it later continues a finished run',
    { smoke: 2, default: 12, paper: 100 },
  ),
  batchSize: field(number({ integer: true, min: 1 }), 'training batch size', { smoke: 32, default: 100, paper: 100 }),
  evalBatchSize: field(number({ integer: true, min: 1 }), 'validation batch size', { smoke: 128, default: 500, paper: 500 }),
  learningRate: field(
    number({ above: 0 }),
    'initial AdamW learning rate (the paper\'s 1e-2 also learns fastest in a few CPU epochs)',
    { smoke: 3e-3, default: 1e-2, paper: 1e-2 },
  ),
  // default: a few CPU epochs; at gamma 0.9 the third epoch of the S-GVAE gained 1 nat of validation loss
  // against 14 in the second (learning rate still 8e-3), so the default profile halves it per epoch.
  lrDecay: field(
    number({ above: 0, max: 1 }),
    'learning rate multiplier per epoch (exponential decay, gamma)',
    { smoke: 0.9, default: 0.5, paper: 0.9 },
  ),
  minLearningRate: field(number({ min: 0 }), 'floor under the decayed learning rate', all(0)),
  weightDecay: field(number({ min: 0 }), 'decoupled weight decay (AdamW)', all(1e-5)),
  beta1: field(number({ min: 0, max: 0.999999 }), 'Adam beta1', all(0.9)),
  beta2: field(number({ min: 0, max: 0.999999 }), 'Adam beta2', all(0.999)),
  beta: field(number({ min: 0 }), 'weight of the KL term in the loss (beta-VAE)', all(0.1)),
  klWarmupEpochs: field(number({ integer: true, min: 0 }), 'epochs over which the KL weight rises linearly to beta (0: no warm-up)', all(0)),
  augmentRotation: field(flag(), 'rotate each training image by a random angle (the rotation-augmented S-VAE baseline)', all(false)),
  rotationDegrees: field(number({ min: 0, max: 180 }), 'with augmentRotation: angles are uniform in [-rotationDegrees, rotationDegrees)', all(180)),
  augmentTarget: field(
    choice(['upright', 'rotated']),
    'with augmentRotation: what the decoder must reconstruct. `upright`: the digit before it was turned (the fair baseline: ' +
      'it sees rotated digits and is asked for the upright one, the task the S-GVAE solves without ever seeing one); ' +
      '`rotated`: the turned input itself (an autoencoder of rotated digits, which must keep the pose)',
    all('upright'),
  ),
  trainSet: field(text(), 'dataset (folder under --data) to train on', all('train')),
  validationSet: field(text(), 'dataset that picks the best epoch', all('val')),
  ...IMAGE_CAPS,
  ...LOOP_CADENCE,
} satisfies Fields;

export type VaeParams = ParamsOf<typeof VAE_SCHEMA>;

export const JUDGE_SCHEMA = {
  preset: field(
    choice(['light', 'resnet50']),
    'judge ResNet preset of @sgvae/models (`judgePreset`): a 0.3M-parameter basic-block ResNet, or the paper\'s ResNet-50',
    { smoke: 'light', default: 'light', paper: 'resnet50' },
  ),
  // Checked by the models package's judge config in judgeConfigFor.
  model: field(
    mapping(),
    'judge config fields replacing the preset\'s (JudgeConfig: stem, stages, block, ...); `seed` comes from the params',
    {
      smoke: { stem: { channels: 4 }, stages: [{ blocks: 1, channels: 8, stride: 2 }] },
      default: {},
      paper: {},
    },
  ),
  seed: field(
    number({ integer: true, min: 1, max: 2 ** 31 - 1 }),
    'seeds initialisers, shuffling, augmentation and dropout (>= 1: the judge config refuses 0)',
    all(1),
  ),
  epochs: field(number({ integer: true, min: 1 }), 'epochs to train', { smoke: 1, default: 4, paper: 10 }),
  batchSize: field(number({ integer: true, min: 1 }), 'training batch size', { smoke: 32, default: 128, paper: 100 }),
  evalBatchSize: field(number({ integer: true, min: 1 }), 'evaluation batch size', { smoke: 128, default: 500, paper: 500 }),
  learningRate: field(number({ above: 0 }), 'initial AdamW learning rate', { smoke: 3e-3, default: 3e-3, paper: 1e-3 }),
  lrDecay: field(number({ above: 0, max: 1 }), 'learning rate multiplier per epoch', { smoke: 0.5, default: 0.5, paper: 0.8 }),
  minLearningRate: field(number({ min: 0 }), 'floor under the decayed learning rate', all(0)),
  weightDecay: field(number({ min: 0 }), 'decoupled weight decay (AdamW)', all(1e-4)),
  beta1: field(number({ min: 0, max: 0.999999 }), 'Adam beta1', all(0.9)),
  beta2: field(number({ min: 0, max: 0.999999 }), 'Adam beta2', all(0.999)),
  rotationDegrees: field(
    number({ min: 0, max: 180 }),
    'light augmentation: rotate training digits by a uniform angle in [-d, d) (0: off)',
    { smoke: 10, default: 10, paper: 10 },
  ),
  trainSet: field(text(), 'dataset to train on', all('train')),
  validationSet: field(text(), 'dataset that picks the best epoch', all('val')),
  testSet: field(text(), 'dataset whose accuracy is reported at the end', all('test')),
  ...IMAGE_CAPS,
  maxTestImages: field(number({ integer: true, min: 0 }), 'use only the first N test images (0: all)', { smoke: 128, default: 0, paper: 0 }),
  ...LOOP_CADENCE,
} satisfies Fields;

export type JudgeParams = ParamsOf<typeof JUDGE_SCHEMA>;

/** Fields that do not change what is computed: a checkpoint stays valid when only these change. */
export const NON_SEMANTIC_PARAMS: readonly string[] = ['epochs', 'readbackEvery', 'checkpointMinutes'];
