// Public entry of @sgvae/train: the two training stages (VAE, judge), their
// params, the shared epoch loop, AdamW and the learning-rate schedule,
// checkpoints, output folders and the observers (metrics files, TensorBoard,
// progress). The CLI (src/cli.ts) is the only part that picks a backend.

export {
  TrainError,
  TrainParamsError,
  NonFiniteLossError,
  TrainingInterruptedError,
  CheckpointError,
  TrainDataError,
  TrainCliUsageError,
} from './errors.ts';
export type { LossTerm } from './errors.ts';

// Stages
export { runVaeStage, resolveVaeParams, vaeNetConfigFor } from './stage/vae-stage.ts';
export { runJudgeStage, resolveJudgeParams, judgeConfigFor } from './stage/judge-stage.ts';
export { defaultCheckpointDir, loadSet, resumeKey } from './stage/stage-common.ts';
export type { StageOptions, StageResult, LoadedSet } from './stage/stage-common.ts';
export { writeStageOutput } from './stage/stage-output.ts';
export type { StageManifestBody, StageOutput } from './stage/stage-output.ts';

// Params
export { VAE_SCHEMA, JUDGE_SCHEMA, NON_SEMANTIC_PARAMS } from './params/stage-params.ts';
export type { VaeParams, JudgeParams } from './params/stage-params.ts';
// The params schema kinds, profiles and validation are shared by every stage: @sgvae/contracts/params
// (reading a params file: @sgvae/contracts/params/read-file).
export { canonicalJson } from './params/canonical-json.ts';

// Loop and tasks
export { runTrainingLoop, trainStep, evaluate, trainableVariables } from './loop/train-loop.ts';
export type { TrainTask, LoopData, LoopOptions, LoopResult, BestModel, AfterEpochInfo } from './loop/train-loop.ts';
export { createVaeTask, bernoulliNll } from './vae/vae-task.ts';
export type { VaeTaskOptions } from './vae/vae-task.ts';
export { latentSampler } from './vae/latent.ts';
export type { LatentSampler, LatentDraw, LatentFamilyName } from './vae/latent.ts';
export { createJudgeTask, crossEntropyAndHits } from './judge/judge-task.ts';

// Optimisation
export { AdamW } from './optim/adamw.ts';
export type { AdamWOptions, AdamWState } from './optim/adamw.ts';
export { learningRateAt, klWarmupFactor } from './optim/lr-schedule.ts';
export type { LrScheduleOptions } from './optim/lr-schedule.ts';

// Data feeding and randomness
export { ImageBatches, epochPermutation, identityOrder } from './batching/image-batches.ts';
export type { ImageSet, Batch, BatchAugment } from './batching/image-batches.ts';
export { withSeededRandom, seedFor } from './random/seeded-random.ts';
export { installFastGradients } from './speed/fast-gradients.ts';

// Checkpoints and model folders
export { writeCheckpoint, readLatestCheckpoint, LATEST } from './checkpoint/checkpoint-store.ts';
export type { LoadedCheckpoint } from './checkpoint/checkpoint-store.ts';
export { encodeModelWeights, encodeTensors, decodeTensors, restoreModelWeights } from './checkpoint/weights.ts';
export type { EncodedWeights, NamedModel } from './checkpoint/weights.ts';
export { saveLayersModel, loadLayersModel, MODEL_JSON, WEIGHTS_BIN } from './checkpoint/layers-io.ts';

// Observers
export { METRICS_JSONL, METRICS_CSV, writeMetricsFiles, toCsv, toJsonLines, metricColumns } from './observe/metrics-files.ts';
export type { MetricsRow } from './observe/metrics-files.ts';
export { nullScalarWriter } from './observe/tensorboard.ts';
export type { ScalarWriter, ScalarWriterFactory } from './observe/tensorboard.ts';
export { autoProgress, plainProgress, terminalProgress, silentProgress, formatDuration } from './observe/progress.ts';
export type { ProgressReporter, ProgressStart, ProgressTick } from './observe/progress.ts';
