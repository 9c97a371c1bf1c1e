import { describe, expect, it } from 'vitest';
import { runEvaluation } from './evaluate.ts';
import { takeItems } from './run/subset.ts';
import { constantVae, oracleJudge, perfectVae, syntheticData, syntheticParams, turningVae } from './testing/synthetic.ts';

describe('runEvaluation on stand-in models with known answers', async () => {
  const data = syntheticData();
  const { results, samples } = await runEvaluation({ ...data, vaes: [perfectVae(), constantVae(), turningVae()], judge: oracleJudge(), params: syntheticParams() });
  const acc = (source: string, set: string) => results.table1.find((c) => c.source === source && c.set === set)!.estimate;

  it('gives a perfect model and the judge accuracy 1 everywhere, with the paper alongside', () => {
    for (const set of ['upright', 'rotated', 'rotated-6', 'rotated-9']) {
      expect(acc('perfect', set).accuracy).toBe(1);
      expect(acc('judge', set).accuracy).toBe(1);
    }
    expect(results.table1.find((c) => c.source === 'perfect' && c.set === 'rotated')!.paper).toBe(0.79);
    expect(results.table1.find((c) => c.source === 'constant' && c.set === 'rotated')!.paper).toBe(0.32);
    expect(results.table1.find((c) => c.source === 'turning' && c.set === 'rotated')!.paper).toBeUndefined();
  });

  it('gives a constant model the frequency of its one class', () => {
    expect(acc('constant', 'upright').accuracy).toBeCloseTo(0.1, 12);
    expect(acc('constant', 'rotated-6').accuracy).toBe(0);
    expect(results.counts['rotated-6']).toBe(6);
  });

  it('measures invariance: 1 for invariant embeddings, cos(angle) for a turning one', () => {
    const inv = (m: string) => results.invariance.find((r) => r.model === m)!;
    expect(inv('perfect').meanCosine).toBeCloseTo(1, 6);
    expect(inv('constant').meanCosine).toBeCloseTo(1, 6);
    const turning = inv('turning').cosine;
    turning.angles.forEach((a, i) => expect(turning.mean[i]).toBeCloseTo(Math.cos((a * Math.PI) / 180), 2));
    expect(inv('turning').meanCosine).toBeCloseTo(-1 / 35, 2);
    expect(inv('perfect').meanJudgeAccuracy).toBe(1);
    // The perfect model reconstructs the upright template: error only from the rotated input's interpolation.
    expect(inv('perfect').reconstructionError.mean[0]).toBeCloseTo(0, 6);
  });

  it('counts the 6-or-9 confusion and separates 6s from 9s in latent space', () => {
    const perfect = results.sixNine.confusion.find((c) => c.source === 'perfect')!;
    expect(perfect.rows.find((r) => r.trueLabel === 6)!.counts[6]).toBe(6);
    const constant = results.sixNine.confusion.find((c) => c.source === 'constant')!;
    expect(constant.rows.find((r) => r.trueLabel === 9)!.counts[0]).toBe(6);
    const nn = (m: string) => results.sixNine.neighbours.find((n) => n.model === m && n.set === 'rotated')!;
    expect(nn('perfect').accuracy).toBe(1);
    expect(nn('constant').accuracy).toBeLessThanOrEqual(0.5 + 1e-9);
  });

  it('recovers the pose of rotated inputs from the perfect model\'s upright reconstructions', () => {
    const pose = results.pose.find((p) => p.model === 'perfect')!;
    expect(pose.count).toBe(40);
    expect(pose.meanAbsoluteError).toBeLessThan(2);
    expect(pose.withinTolerance).toBe(1);
    expect(samples.pose.estimated.perfect).toHaveLength(10);
  });
});

describe('runEvaluation with a separate set of rotated 6s and 9s', async () => {
  const data = syntheticData();
  const sixNine = syntheticData(12, 1, 9).rotated;
  const keep = Int32Array.from({ length: sixNine.count }, (_, i) => i).filter((i) => sixNine.labels[i] === 6 || sixNine.labels[i] === 9);
  const { results } = await runEvaluation({
    ...data,
    sixNine: takeItems(sixNine, keep),
    vaes: [perfectVae(), constantVae()],
    judge: oracleJudge(),
    params: syntheticParams({ limits: { ...syntheticParams().limits, gridDigits: 2 } }),
  });

  it('takes the 6-or-9 rows, confusion and neighbours from that set', () => {
    expect(results.counts['rotated-6']).toBe(12);
    expect(results.counts['rotated-9']).toBe(12);
    const judge = results.sixNine.confusion.find((c) => c.source === 'judge')!;
    expect(judge.rows.map((r) => r.counts.reduce((s, v) => s + v, 0))).toEqual([12, 12]);
    expect(results.sixNine.neighbours.find((n) => n.model === 'perfect' && n.set === 'rotated')!.count).toBe(24);
    expect(results.invariance[0].digits).toBe(2);
  });
});

describe('runEvaluation with a kNN reference set (kNN on mu)', async () => {
  const data = syntheticData();
  const params = syntheticParams({ knn: { k: 3 } });
  const { results } = await runEvaluation({ ...data, reference: data.upright, vaes: [perfectVae(), constantVae()], judge: oracleJudge(), params });
  const knn = (model: string, set: string) => results.knn.find((c) => c.model === model && c.set === set)!;

  it('reads an invariant embedding perfectly, upright and rotated', () => {
    expect(knn('perfect', 'upright').estimate.accuracy).toBe(1);
    expect(knn('perfect', 'rotated').estimate.accuracy).toBe(1);
    expect(knn('perfect', 'rotated')).toMatchObject({ k: 3, referenceCount: data.upright.count, metric: 'cosine' });
  });

  it('gives an embedding that ignores its input one label for everything: the frequency of that class', () => {
    expect(knn('constant', 'upright').estimate.accuracy).toBeCloseTo(0.1, 12);
    expect(knn('constant', 'rotated').estimate.accuracy).toBeLessThan(0.2);
  });

  it('is left out without a reference set, and refuses k above the reference size', async () => {
    const without = await runEvaluation({ ...data, vaes: [perfectVae()], judge: oracleJudge(), params: syntheticParams() });
    expect(without.results.knn).toEqual([]);
    await expect(
      runEvaluation({ ...data, reference: takeItems(data.upright, [0, 1]), vaes: [perfectVae()], judge: oracleJudge(), params }),
    ).rejects.toThrow('the kNN reference set has 2 digits, fewer than knn.k = 3; lower knn.k or raise limits.reference');
  });
});
