// The VAE objective: Bernoulli reconstruction log-likelihood summed over the
// pixels, plus beta times the KL divergence of the posterior from the prior
// (vMF against the uniform distribution on the sphere, or a diagonal Gaussian
// against N(0, I)), averaged over the batch -- the negative ELBO of the paper.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '../batching/image-batches.ts';
import { klWarmupFactor } from '../optim/lr-schedule.ts';
import type { TrainTask } from '../loop/train-loop.ts';
import type { LatentSampler } from './latent.ts';

/**
 * -log p(x | logits) for Bernoulli pixels, summed over all but the batch
 * axis: softplus(l) - x l, which is exact for targets in [0, 1] (grey
 * levels act as soft labels) and stable for large |l|.
 */
export function bernoulliNll(logits: tf.Tensor, target: tf.Tensor): tf.Tensor1D {
  const perPixel = tf.sub(tf.softplus(logits), tf.mul(target, logits));
  const axes = Array.from({ length: logits.rank - 1 }, (_, i) => i + 1);
  return tf.sum(perPixel, axes) as tf.Tensor1D;
}

export interface VaeTaskOptions {
  encoder: tfl.LayersModel;
  decoder: tfl.LayersModel;
  latent: LatentSampler;
  beta: number;
  klWarmupEpochs: number;
}


export function createVaeTask(options: VaeTaskOptions): TrainTask {
  const { encoder, decoder, latent, beta } = options;
  let klWeight = beta;
  const concentrationName = latent.concentrationName;
  const forward = (batch: Batch, training: boolean) => {
    const params = encoder.apply(batch.x, { training }) as tf.Tensor[];
    const { z, kl, concentration } = latent.sample(params);
    const logits = decoder.apply(z, { training }) as tf.Tensor;
    // An augmented batch may carry the images before augmentation as the target.
    return { recon: bernoulliNll(logits, batch.target ?? batch.x), kl, concentration };
  };
  return {
    label: 'vae',
    models: [
      { name: 'encoder', model: encoder },
      { name: 'decoder', model: decoder },
    ],
    statNames: ['loss', 'reconstruction', 'kl', concentrationName],
    lossTerms: { loss: 'loss', reconstruction: 'reconstruction', kl: 'kl' },
    beginEpoch(epoch) {
      klWeight = beta * klWarmupFactor(epoch, options.klWarmupEpochs);
      return { klWeight };
    },
    trainLoss(batch) {
      const { recon, kl, concentration } = forward(batch, true);
      const reconMean = tf.mean(recon);
      const klMean = tf.mean(kl);
      const loss = tf.add(reconMean, tf.mul(klMean, klWeight)) as tf.Scalar;
      return { loss, stats: tf.stack([loss, reconMean, klMean, tf.mean(concentration)]) as tf.Tensor1D };
    },
    evalSums(batch) {
      // Validation always weighs the KL by the full beta, so that epochs
      // during a warm-up compare fairly when picking the best model.
      const { recon, kl, concentration } = forward(batch, false);
      const reconSum = tf.sum(recon);
      const klSum = tf.sum(kl);
      return tf.stack([tf.add(reconSum, tf.mul(klSum, beta)), reconSum, klSum, tf.sum(concentration)]) as tf.Tensor1D;
    },
  };
}
