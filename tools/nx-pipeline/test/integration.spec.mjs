// @ts-check
// Runs a small real pipeline (prepare -> train@m1, train@m2 -> report) through
// the real `nx` binary and checks, from the stages' own logs, that exactly the
// affected stages recompute. Each `it` continues from the state the previous
// one left.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, removeWorkspace } from './fixture-workspace.mjs';
import { edit, fixtureEnv, nx, runPipeline, takeRuns } from './nx-run.mjs';

const ALL = ['prepare', 'report', 'train@m1', 'train@m2'];

/** @type {string} */
let root;
beforeAll(() => {
  root = makeWorkspace();
});
afterAll(() => removeWorkspace(root));

/** @param {string} rel */
const read = (rel) => fs.readFileSync(path.join(root, rel), 'utf8');

describe('nx run pipeline:all on a fixture workspace', () => {
  it('runs every stage once, then recomputes nothing', async () => {
    expect(await runPipeline(root)).toEqual(ALL);
    expect(JSON.parse(read('artifacts/pipeline/report/score.json')).models).toBe(2);
    expect(read('artifacts/pipeline/prepare/data/nested/deep/size.txt')).toBe('3');
    expect(await runPipeline(root)).toEqual([]);
  });

  it('reruns exactly the stage whose param changed and the stages downstream of it', async () => {
    edit(root, 'pipelines/params/default.yaml', (t) => t.replace('m1: {lr: 0.1}', 'm1: {lr: 0.5}'));
    expect(await runPipeline(root)).toEqual(['report', 'train@m1']);
    expect(JSON.parse(read('artifacts/pipeline/models/m1/model.json')).lr).toBe('0.5');
  });

  it('hashes a downstream stage after its upstream ran (outputs in git-ignored folders count)', async () => {
    // prepare writes size.txt three folders down in artifacts/ (git-ignored);
    // the train stages read it. If they were hashed before prepare ran, or if
    // ignored files were left out, they would not rerun here, or would rerun
    // again on the next call.
    edit(root, 'pipelines/params/default.yaml', (t) => t.replace('size: 3', 'size: 4'));
    expect(await runPipeline(root)).toEqual(ALL);
    expect(JSON.parse(read('artifacts/pipeline/models/m2/model.json')).size).toBe('4');
    expect(await runPipeline(root)).toEqual([]);
  });

  it('reruns nothing when a param no stage reads, a README, a spec or a test helper changes', async () => {
    edit(root, 'pipelines/params/default.yaml', (t) => t.replace('x: 1', 'x: 2'));
    edit(root, 'packages/alpha/README.md', (t) => `${t}\nMore words.\n`);
    edit(root, 'packages/alpha/src/alpha.spec.ts', (t) => `${t}\nit('another', () => {});\n`);
    edit(root, 'packages/alpha/src/testing/helper.ts', (t) => `${t}\nexport const more = 1;\n`);
    expect(await runPipeline(root)).toEqual([]);
  });

  it('reruns only the stages whose packages (or the packages they import) changed', async () => {
    edit(root, 'packages/gamma/src/report.mjs', (t) => `${t}\n// reworded\n`);
    expect(await runPipeline(root)).toEqual(['report']);
    // beta imports alpha, so the train stages rerun too; their outputs do not
    // change, so the report (which only reads them) does not.
    edit(root, 'packages/alpha/src/index.js', (t) => `${t}\nexport const unused = 0;\n`);
    expect(await runPipeline(root)).toEqual(['prepare', 'train@m1', 'train@m2']);
  });

  it('reruns nothing downstream when an upstream stage reruns to the same data and only its provenance file changes', async () => {
    const before = read('artifacts/pipeline/prepare/data/provenance.json');
    const again = await nx(root, ['run', 'pipeline--prepare:run', '--skip-nx-cache']);
    expect(again.exitCode, again.all).toBe(0);
    expect(takeRuns(root)).toEqual(['prepare']);
    expect(read('artifacts/pipeline/prepare/data/provenance.json')).not.toBe(before);
    expect(await runPipeline(root)).toEqual([]);
  });

  it('restores deleted outputs from the cache without running anything', async () => {
    fs.rmSync(path.join(root, 'artifacts'), { recursive: true });
    expect(await runPipeline(root)).toEqual([]);
    expect(read('artifacts/pipeline/prepare/data/nested/deep/size.txt')).toBe('4');
    expect(JSON.parse(read('artifacts/pipeline/report/score.json')).models).toBe(2);
  });

  it('refuses to run a stage that changed after Nx hashed it', async () => {
    const result = await execa(
      process.execPath,
      ['tools/nx-pipeline/run-stage.mjs', '--pipeline', 'pipeline', '--stage', 'prepare', '--fingerprint', '0000000000000000'],
      { cwd: root, env: fixtureEnv(root), extendEnv: false, reject: false, all: true },
    );
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain(
      'StaleGraphError: pipelines/pipeline.yaml:5: stage `prepare` changed (in pipelines/pipeline.yaml or pipelines/params/default.yaml) after Nx hashed it; run the pipeline again',
    );
    expect(takeRuns(root)).toEqual([]);
    expect(fs.existsSync(path.join(root, 'artifacts/pipeline/prepare/data'))).toBe(true);
  });

  it('fails naming the stage and leaves none of its previous outputs behind', async () => {
    edit(root, 'pipelines/params/default.yaml', (t) => t.replace('size: 4', 'size: -1'));
    const result = await nx(root, ['run', 'pipeline:all']);
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('StageRunError: pipelines/pipeline.yaml:5: stage `prepare` failed');
    expect(result.all).toContain('exited with code 3');
    expect(takeRuns(root)).toEqual(['prepare']);
    expect(fs.existsSync(path.join(root, 'artifacts/pipeline/prepare/data'))).toBe(false);
  });

  it('names the signal that killed a stage, what it usually means and what to try', async () => {
    edit(root, 'pipelines/params/default.yaml', (t) => t.replace('size: -1', 'size: 13'));
    const result = await nx(root, ['run', 'pipeline:all']);
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('stage `prepare` failed');
    expect(result.all).toContain('was stopped by SIGFPE; SIGFPE usually means an arithmetic fault in native code');
    expect(result.all).toMatch(/ONEDNN_VERBOSE=1.*TF_ENABLE_ONEDNN_OPTS=0/);
    expect(takeRuns(root)).toEqual(['prepare']);
  });
});
