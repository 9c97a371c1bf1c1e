// The VAE training stage: params -> datasets -> models -> loop -> output.
import { join } from 'node:path';
import { trainProvenance } from '@sgvae/contracts';
import { type ParamsSource, resolveProfiled } from '@sgvae/contracts/params';
import { buildDecoder, buildEncoder, resolveVaeNetConfig, type VaeNetConfig } from '@sgvae/models';
import { TrainDataError, TrainParamsError } from '../errors.ts';
import { runTrainingLoop } from '../loop/train-loop.ts';
import { DEFAULT_KAPPA_INIT, VAE_SCHEMA, type VaeParams } from '../params/stage-params.ts';
import { seedFor, withSeededRandom } from '../random/seeded-random.ts';
import { latentSampler } from '../vae/latent.ts';
import { createVaeTask } from '../vae/vae-task.ts';
import { defaultCheckpointDir, loadSet, resumeKey, stageBatches, stageLoopOptions, type StageOptions, type StageResult, summaryLine } from './stage-common.ts';
import { writeStageOutput } from './stage-output.ts';

/** Validates VAE params and completes them with the defaults of their profile. */
export function resolveVaeParams(raw: unknown, source?: string | ParamsSource): VaeParams {
  return resolveProfiled(VAE_SCHEMA, raw, typeof source === 'string' ? { file: source } : source);
}

/** The architecture the params ask for: preset, overrides, then latent and seed from the params. */
export function vaeNetConfigFor(params: VaeParams, file?: string): VaeNetConfig {
  const model = params.model;
  for (const key of ['latent', 'seed'] as const) {
    if (key in model) {
      throw new TrainParamsError(
        `model.${key}`,
        `is set by the stage params (${key === 'latent' ? '`latent`, `latentDim` and `kappaInit`' : '`seed`'}); remove it from \`model\``,
        file,
      );
    }
  }
  if (params.latent !== 'vmf' && params.kappaInit !== DEFAULT_KAPPA_INIT) {
    throw new TrainParamsError('kappaInit', "only the vMF posterior has a concentration; remove kappaInit or use latent 'vmf'", file);
  }
  const encoder = { ...((model.encoder as Record<string, unknown> | undefined) ?? {}), kind: params.encoder };
  try {
    return resolveVaeNetConfig(
      { ...model, encoder, latent: { family: params.latent, dim: params.latentDim, kappaInit: params.latent === 'vmf' ? params.kappaInit : null }, seed: params.seed },
      { preset: params.preset, kind: params.encoder },
    );
  } catch (cause) {
    const field = (cause as { path?: string }).path ?? '';
    throw new TrainParamsError(field === '' ? 'model' : `model.${field}`, `is not a valid architecture: ${(cause as Error).message}`, file, {
      cause,
    });
  }
}

export async function runVaeStage(options: StageOptions): Promise<StageResult> {
  const params = resolveVaeParams(options.params, options.paramsFile);
  const config = vaeNetConfigFor(params, options.paramsFile);
  const train = loadSet(options.dataDir, params.trainSet, params.maxTrainImages, false);
  const validation = loadSet(options.dataDir, params.validationSet, params.maxValidationImages, false);
  for (const s of [train, validation]) {
    if (s.set.size !== config.imageSize) {
      throw new TrainDataError(
        `set "${s.name}" holds ${s.set.size}x${s.set.size} images but the model expects ${config.imageSize}x${config.imageSize}; ` +
          'build the datasets with the matching size or set model.imageSize',
      );
    }
  }
  const checkpointDir = options.checkpointDir ?? defaultCheckpointDir(options.outDir);
  const { encoder, decoder } = withSeededRandom(seedFor(params.seed, 'init'), () => ({
    encoder: buildEncoder(config),
    decoder: buildDecoder(config),
  }));
  try {
    const task = createVaeTask({
      encoder,
      decoder,
      latent: latentSampler(params.latent),
      beta: params.beta,
      klWarmupEpochs: params.klWarmupEpochs,
    });
    const batches = stageBatches(
      train,
      validation,
      params,
      params.augmentRotation ? params.rotationDegrees : 0,
      params.augmentRotation && params.augmentTarget === 'upright',
    );
    const loop = await runTrainingLoop(
      task,
      batches,
      stageLoopOptions(params, options, checkpointDir, resumeKey('vae', params, [train, validation], config, options.codeFingerprint)),
    );
    const manifest = await writeStageOutput(options.outDir, {
      models: task.models,
      weights: loop.best.weights,
      manifest: {
        kind: 'vae',
        config,
        params,
        epoch: loop.best.epoch,
        epochs: loop.rows.length,
        metrics: loop.best.row,
        finalMetrics: loop.rows[loop.rows.length - 1],
        data: {
          dir: options.dataDir,
          [params.trainSet]: { manifestSha256: train.manifestSha256, images: train.set.count },
          [params.validationSet]: { manifestSha256: validation.manifestSha256, images: validation.set.count },
          augmentation: batches.augmentation,
        },
        ...trainProvenance(options),
      },
      rows: loop.rows,
      tensorboardDir: join(checkpointDir, 'tensorboard'),
    });
    const label = `vae ${params.encoder}${params.encoder === 'gcnn' ? ` C${(config.encoder as { N: number }).N}` : ''} ${params.latent} m=${params.latentDim}`;
    const summary = summaryLine(label, options.outDir, loop, ['valLoss', 'valReconstruction', 'valKl', `val${task.statNames[3][0].toUpperCase()}${task.statNames[3].slice(1)}`]);
    return { manifest, outDir: options.outDir, loop, summary };
  } finally {
    encoder.dispose();
    decoder.dispose();
  }
}
