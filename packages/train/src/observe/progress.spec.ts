import { describe, expect, it } from 'vitest';
import { formatDuration, plainProgress } from './progress.ts';

describe('progress', () => {
  it('formats durations for ETAs', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3h07m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });

  it('prints plain lines: a header, throttled step lines, one per epoch', () => {
    const lines: string[] = [];
    const p = plainProgress((l) => lines.push(l), 3600);
    p.start({ label: 'vae', epochs: 2, stepsPerEpoch: 10, startEpoch: 1, startStep: 4 });
    p.tick({ epoch: 1, stepsDone: 6, stats: { loss: 1 }, imagesPerSec: 10, etaSeconds: 5 });
    p.epochDone({ epoch: 2, lr: 0.001, loss: 0.5, valLoss: 0.6, imagesPerSec: 99.6, trainSeconds: 60, validationSeconds: 5 }, true);
    p.stop();
    expect(lines).toEqual(['[vae] 2 epochs x 10 steps (resuming at epoch 2, step 4)', '[vae] epoch 2/2 lr 0.001000 | train loss 0.5000 | val loss 0.6000 | 100 img/s, 1m05s (best)']);
  });
});
