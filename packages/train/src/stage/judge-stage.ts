// The judge training stage: a ResNet classifier on upright digits, with
// light rotation augmentation; its accuracy on the test set is reported.
import { join } from 'node:path';
import { trainProvenance } from '@sgvae/contracts';
import { type ParamsSource, resolveProfiled } from '@sgvae/contracts/params';
import { buildJudge, resolveJudgeConfig, type JudgeConfig } from '@sgvae/models';
import { ImageBatches } from '../batching/image-batches.ts';
import { restoreModelWeights } from '../checkpoint/weights.ts';
import { TrainDataError, TrainParamsError } from '../errors.ts';
import { createJudgeTask } from '../judge/judge-task.ts';
import { evaluate, runTrainingLoop } from '../loop/train-loop.ts';
import { JUDGE_SCHEMA, type JudgeParams } from '../params/stage-params.ts';
import { seedFor, withSeededRandom } from '../random/seeded-random.ts';
import { defaultCheckpointDir, fmt, loadSet, resumeKey, stageBatches, stageLoopOptions, type StageOptions, type StageResult, summaryLine } from './stage-common.ts';
import { writeStageOutput } from './stage-output.ts';

export function resolveJudgeParams(raw: unknown, source?: string | ParamsSource): JudgeParams {
  return resolveProfiled(JUDGE_SCHEMA, raw, typeof source === 'string' ? { file: source } : source);
}

export function judgeConfigFor(params: JudgeParams, file?: string): JudgeConfig {
  if ('seed' in params.model) {
    throw new TrainParamsError('model.seed', 'is set by the stage param `seed`; remove it from `model`', file);
  }
  try {
    return resolveJudgeConfig({ ...(params.model as Partial<JudgeConfig>), seed: params.seed }, params.preset);
  } catch (cause) {
    const path = (cause as { path?: string }).path ?? 'judge';
    throw new TrainParamsError(`model${path.replace(/^judge/, '')}`, `is not a valid judge architecture: ${(cause as Error).message}`, file, {
      cause,
    });
  }
}

export async function runJudgeStage(options: StageOptions): Promise<StageResult> {
  const params = resolveJudgeParams(options.params, options.paramsFile);
  const config = judgeConfigFor(params, options.paramsFile);
  const train = loadSet(options.dataDir, params.trainSet, params.maxTrainImages, true);
  const validation = loadSet(options.dataDir, params.validationSet, params.maxValidationImages, true);
  const test = loadSet(options.dataDir, params.testSet, params.maxTestImages, true);
  for (const s of [train, validation, test]) {
    if (s.set.size !== config.imageSize) {
      throw new TrainDataError(
        `set "${s.name}" holds ${s.set.size}x${s.set.size} images but the judge expects ${config.imageSize}x${config.imageSize}; ` +
          'build the datasets with the matching size or set model.imageSize',
      );
    }
  }
  const checkpointDir = options.checkpointDir ?? defaultCheckpointDir(options.outDir);
  const model = withSeededRandom(seedFor(params.seed, 'init'), () => buildJudge(config));
  try {
    const task = createJudgeTask(model);
    const batches = stageBatches(train, validation, params, params.rotationDegrees);
    const loop = await runTrainingLoop(
      task,
      batches,
      stageLoopOptions(params, options, checkpointDir, resumeKey('judge', params, [train, validation], config, options.codeFingerprint)),
    );
    // The reported test score is that of the saved (best-validation) weights.
    restoreModelWeights(task.models, loop.best.weights, 'best weights');
    const scores = evaluate(task, new ImageBatches(test.set, params.evalBatchSize), params.evalBatchSize, params.seed);
    const testScores = { loss: scores.loss, accuracy: scores.accuracy, images: test.set.count };
    const manifest = await writeStageOutput(options.outDir, {
      models: task.models,
      weights: loop.best.weights,
      manifest: {
        kind: 'judge',
        config,
        params,
        epoch: loop.best.epoch,
        epochs: loop.rows.length,
        metrics: loop.best.row,
        finalMetrics: loop.rows[loop.rows.length - 1],
        test: testScores,
        data: {
          dir: options.dataDir,
          [params.trainSet]: { manifestSha256: train.manifestSha256, images: train.set.count },
          [params.validationSet]: { manifestSha256: validation.manifestSha256, images: validation.set.count },
          [params.testSet]: { manifestSha256: test.manifestSha256, images: test.set.count },
          augmentation: batches.augmentation,
        },
        ...trainProvenance(options),
      },
      rows: loop.rows,
      tensorboardDir: join(checkpointDir, 'tensorboard'),
    });
    const summary = summaryLine(
      `judge ${params.preset}`,
      options.outDir,
      loop,
      ['valLoss', 'valAccuracy'],
      `; ${params.testSet} accuracy ${(100 * testScores.accuracy).toFixed(2)}% on ${test.set.count} images (loss ${fmt(testScores.loss)})`,
    );
    return { manifest, outDir: options.outDir, loop, summary };
  } finally {
    model.dispose();
  }
}
