import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateModel, prepareEvaluation } from '../evaluate.ts';
import { oracleJudge, perfectVae, syntheticData, syntheticParams } from '../testing/synthetic.ts';
import { MODEL_EVALUATION_FILE, readModelEvaluation, writeModelEvaluation } from './model-evaluation-file.ts';

const root = mkdtempSync(join(tmpdir(), 'sgvae-model-evaluation-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('model evaluation folder', () => {
  it('round-trips an evaluation exactly: typed arrays bit for bit, non-finite numbers kept', async () => {
    const data = syntheticData();
    const params = syntheticParams();
    const evaluation = await evaluateModel(prepareEvaluation({ ...data, params }), perfectVae(), oracleJudge());
    // Values JSON cannot hold as numbers, and float32 values that decimal text would round.
    evaluation.pose.meanCorrelation = Number.NaN;
    evaluation.invariance.meanReconstructionError = Number.POSITIVE_INFINITY;
    evaluation.samples.reposed[0] = Math.fround(1 / 3);
    evaluation.samples.latent.upright.labels[0] = 255;
    const record = { inputs: { params, datasets: { test: 'a'.repeat(64) }, judge: 'b'.repeat(64) }, modelDir: '/models/perfect', backend: 'tensorflow', evaluation };
    writeModelEvaluation(join(root, 'ev'), record);
    const back = readModelEvaluation(join(root, 'ev'));
    expect(back.evaluation.samples.reposed).toBeInstanceOf(Float32Array);
    expect(back.evaluation.samples.latent.upright.labels).toBeInstanceOf(Uint8Array);
    expect(back.evaluation.pose.meanCorrelation).toBeNaN();
    expect(back).toEqual({ format: 'sgvae-model-evaluation/1', ...record });
    expect(Buffer.from(back.evaluation.samples.reposed.buffer)).toEqual(Buffer.from(evaluation.samples.reposed.buffer));
    // The file itself is plain JSON: typed arrays as tagged base64, non-finite numbers spelled out.
    const text = readFileSync(join(root, 'ev', MODEL_EVALUATION_FILE), 'utf8');
    expect(text).toContain('"meanCorrelation":{"$number":"NaN"}');
    expect(text).toMatch(/"reposed":\{"\$f32":"[A-Za-z0-9+/=]+"\}/);
  });

  it('names the file and what to do when it is not a model evaluation', () => {
    expect(() => readModelEvaluation(join(root, 'missing'))).toThrow(/missing[\\/]model-evaluation\.json does not exist/);
    writeModelEvaluation(join(root, 'old'), { inputs: { params: syntheticParams(), datasets: {}, judge: '' }, modelDir: 'm', backend: 'b', evaluation: {} as never });
    expect(() => readModelEvaluation(join(root, 'old'))).toThrow(/lacks or has a malformed `evaluation\.model`, `evaluation\.table1`.*; evaluate the model again/);
  });
});
