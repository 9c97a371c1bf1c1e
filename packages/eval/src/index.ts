// Public entry of @sgvae/eval: metrics on typed arrays, the model-running
// layer, figures, the report writer and its checker, and the stage itself.

export { ArtifactError, EvalError, EvalInputError, EvalParamsError, ReportCheckError } from './errors.ts';
export * from './metrics/index.ts';
export { DEFAULT_EVAL_PARAMS, EVAL_PARAMS_SCHEMA, parseEvalParams } from './params.ts';
export type { EvalParams } from './params.ts';
export { PAPER_BETAS, PAPER_LATENT_DIMS, PAPER_TABLE1, PAPER_TABLE2, PAPER_VALIDATION_SIZE, paperTable2 } from './paper.ts';
export type { PaperModel, Table1Row } from './paper.ts';
export { INPUT_SETS, RESULTS_SCHEMA } from './results.ts';
export type {
  AccuracyCell,
  ConfusionRows,
  EvaluationResults,
  FigureInfo,
  InputSetId,
  InvarianceResult,
  ModelInfo,
  NeighbourCell,
  PoseResult,
  Provenance,
  StageTiming,
  SweepEntry,
  SweepResult,
} from './results.ts';
export type { Encoding, JudgeRunner, LabelledImages, ModelKind, RotationGrid, VaeRunner } from './run/types.ts';
export { indicesWhere, subsetIndices, takeGridDigits, takeItems } from './run/subset.ts';
export { readGrid, readSet, toLabelledImages, toRotationGrid } from './run/datasets.ts';
export { TfJudgeRunner, TfVaeRunner } from './run/tf-runners.ts';
export type { TfJudgeOptions, TfVaeOptions } from './run/tf-runners.ts';
export { MODEL_KIND_LABELS, inferModelKind, loadJudge, loadVae, readLayersModel } from './run/load-models.ts';
export type { LoadVaeOptions } from './run/load-models.ts';
export { readSweep, sweepEntryFrom } from './run/sweep.ts';
export { assembleEvaluation, evaluateJudge, evaluateModel, paperModelOf, prepareEvaluation, runEvaluation } from './evaluate.ts';
export type { EvaluationInputs, EvaluationOutput, EvaluationSamples, JudgeEvaluation, LatentPoints, ModelEvaluation, ModelSamples, PreparedEvaluation, SampleStrip } from './evaluate.ts';
export { MODEL_EVALUATION_FILE, MODEL_EVALUATION_FORMAT, checkEvaluationInputs, evaluationInputsRecord, readModelEvaluation, writeModelEvaluation } from './run/model-evaluation-file.ts';
export type { EvaluationInputsRecord, ModelEvaluationRecord } from './run/model-evaluation-file.ts';
export { hammerProjection, principalComponents2 } from './figures/projection.ts';
export { imageStripPng, encodeGrayPng, readPngHeader, decodePng } from './figures/png.ts';
export type { EncodedImage, PngHeader } from './figures/png.ts';
export { imageGridSvg, parseSvg, svgToPng } from './figures/svg.ts';
export type { ImageGridFigure, ImageGridRow } from './figures/svg.ts';
export { invarianceSpec, latentSpec, vegaLiteToSvg } from './figures/charts.ts';
export { renderFigures } from './figures/render.ts';
export type { RenderedFigure, RenderOptions } from './figures/render.ts';
export { REQUIRED_TABLE_IDS, buildTables, requiredTableIds } from './report/tables.ts';
export type { ReportTable } from './report/tables.ts';
export { renderHtml, renderMarkdown } from './report/document.ts';
export { formatSummaryForTerminal, summaryMetrics, summaryTable } from './report/summary.ts';
export { REPORT_FILES, stringifyResults, writeReport } from './report/write-report.ts';
export type { WrittenReport } from './report/write-report.ts';
export { assertReport, checkReport } from './report/check-report.ts';
export type { ReportCheck } from './report/check-report.ts';
export { readPipelineTimings } from './provenance.ts';
export { runEvalStage, runModelEvalStage } from './stage.ts';
export { reportCliError } from './cli.ts';
export type { EvalStageOptions, EvalStageResult, ModelEvalStageOptions, ModelSpec } from './stage.ts';
