// What a person watching the run sees: a progress bar with the epoch's and
// the whole run's ETA on a terminal; plain, periodic lines elsewhere (CI
// logs, the pipeline runner, files), where redraw codes would be noise.
import cliProgress from 'cli-progress';
import type { MetricsRow } from './metrics-files.ts';

export interface ProgressStart {
  label: string;
  epochs: number;
  stepsPerEpoch: number;
  /** 0-based epoch and step the run starts (or resumes) at. */
  startEpoch: number;
  startStep: number;
}

export interface ProgressTick {
  /** 0-based epoch and the number of steps done in it. */
  epoch: number;
  stepsDone: number;
  /** Running means over the epoch so far, e.g. loss, kl. */
  stats: Readonly<Record<string, number>>;
  imagesPerSec: number;
  /** Estimated seconds left for the whole run. */
  etaSeconds: number;
}

export interface ProgressReporter {
  start(info: ProgressStart): void;
  tick(tick: ProgressTick): void;
  epochDone(row: MetricsRow, isBest: boolean): void;
  /** A line that must not be lost under the bar (resume notices, warnings). */
  message(text: string): void;
  stop(): void;
}

export const silentProgress: ProgressReporter = {
  start() {},
  tick() {},
  epochDone() {},
  message() {},
  stop() {},
};

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(r).padStart(2, '0')}s`;
  return `${r}s`;
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(3);
  return a >= 100 ? x.toFixed(1) : x.toPrecision(4);
}

export function formatStats(stats: Readonly<Record<string, number>>, keys?: readonly string[]): string {
  return (keys ?? Object.keys(stats))
    .filter((k) => stats[k] !== undefined)
    .map((k) => `${k} ${formatNumber(stats[k])}`)
    .join(' ');
}

const TIMING_KEYS = new Set(['imagesPerSec', 'trainSeconds', 'validationSeconds']);

/** `[vae] epoch 3/10 lr 0.002430 klWeight 0.1 | train loss .. | val loss .. | 410 img/s, 65s (best)` */
export function formatEpochRow(label: string, epochs: number, row: MetricsRow, isBest: boolean): string {
  const keys = Object.keys(row).filter((k) => k !== 'epoch' && !TIMING_KEYS.has(k));
  const isVal = (k: string): boolean => /^val[A-Z]/.test(k);
  const settings = keys.filter((k) => !isVal(k) && (k === 'lr' || k.endsWith('Weight')));
  const train = keys.filter((k) => !isVal(k) && !settings.includes(k));
  const val = Object.fromEntries(keys.filter(isVal).map((k) => [`${k[3].toLowerCase()}${k.slice(4)}`, row[k]]));
  const seconds = (row.trainSeconds ?? 0) + (row.validationSeconds ?? 0);
  const speed = row.imagesPerSec === undefined ? '' : ` | ${row.imagesPerSec.toFixed(0)} img/s, ${formatDuration(seconds)}`;
  return (
    `[${label}] epoch ${row.epoch}/${epochs} ${formatStats(row, settings)} | train ${formatStats(row, train)} | ` +
    `val ${formatStats(val)}${speed}${isBest ? ' (best)' : ''}`
  );
}

/** Plain lines: one at most every `everySeconds` during an epoch, one per epoch. */
export function plainProgress(write: (line: string) => void, everySeconds = 30): ProgressReporter {
  let info: ProgressStart | undefined;
  let last = 0;
  return {
    start(i) {
      info = i;
      last = performance.now();
      const where = i.startEpoch > 0 || i.startStep > 0 ? ` (resuming at epoch ${i.startEpoch + 1}, step ${i.startStep})` : '';
      write(`[${i.label}] ${i.epochs} epochs x ${i.stepsPerEpoch} steps${where}`);
    },
    tick(t) {
      const now = performance.now();
      if (info === undefined || now - last < everySeconds * 1000) return;
      last = now;
      write(
        `[${info.label}] epoch ${t.epoch + 1}/${info.epochs} step ${t.stepsDone}/${info.stepsPerEpoch} ` +
          `${formatStats(t.stats)} ${t.imagesPerSec.toFixed(0)} img/s ETA ${formatDuration(t.etaSeconds)}`,
      );
    },
    epochDone(row, isBest) {
      last = performance.now();
      if (info !== undefined) write(formatEpochRow(info.label, info.epochs, row, isBest));
    },
    message(text) {
      write(text);
    },
    stop() {},
  };
}

/** A redrawn bar on a terminal (cli-progress), with epoch and run ETA. */
export function terminalProgress(stream: NodeJS.WritableStream = process.stderr): ProgressReporter {
  let info: ProgressStart | undefined;
  let multi: cliProgress.MultiBar | undefined;
  let bar: cliProgress.SingleBar | undefined;
  let barEpoch = -1;
  const ensureBar = (epoch: number, stepsDone: number): cliProgress.SingleBar | undefined => {
    if (info === undefined || multi === undefined) return undefined;
    if (bar === undefined || barEpoch !== epoch) {
      if (bar !== undefined) multi.remove(bar);
      bar = multi.create(info.stepsPerEpoch, stepsDone, { epoch: epoch + 1, stats: '', speed: '', total_eta: '?' });
      barEpoch = epoch;
    }
    return bar;
  };
  return {
    start(i) {
      info = i;
      multi = new cliProgress.MultiBar(
        {
          stream,
          format: `[${i.label}] epoch {epoch}/${i.epochs} |{bar}| {value}/{total} {stats} {speed} | epoch ETA {eta_formatted}, run ETA {total_eta}`,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 20,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      if (i.startEpoch > 0 || i.startStep > 0) multi.log(`[${i.label}] resuming at epoch ${i.startEpoch + 1}, step ${i.startStep}\n`);
      ensureBar(i.startEpoch, i.startStep);
    },
    tick(t) {
      ensureBar(t.epoch, t.stepsDone)?.update(t.stepsDone, {
        epoch: t.epoch + 1,
        stats: formatStats(t.stats),
        speed: `${t.imagesPerSec.toFixed(0)} img/s`,
        total_eta: formatDuration(t.etaSeconds),
      });
    },
    epochDone(row, isBest) {
      if (info !== undefined) multi?.log(formatEpochRow(info.label, info.epochs, row, isBest) + '\n');
    },
    message(text) {
      if (multi === undefined) stream.write(text + '\n');
      else multi.log(text + '\n');
    },
    stop() {
      multi?.stop();
      multi = undefined;
      bar = undefined;
    },
  };
}

/** The terminal bar when `stream` is a TTY and CI is not set, plain lines otherwise. */
export function autoProgress(
  stream: NodeJS.WriteStream = process.stderr,
  env: Record<string, string | undefined> = {},
  everySeconds = 30,
): ProgressReporter {
  const tty = stream.isTTY === true && (env.CI === undefined || env.CI === '' || env.CI === 'false');
  return tty ? terminalProgress(stream) : plainProgress((line) => stream.write(line + '\n'), everySeconds);
}
