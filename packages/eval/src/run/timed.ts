// Named phases of a stage: each is logged when it starts and its wall time
// is recorded for the report's timings table.
import type { StageTiming } from '../results.ts';

/** A function that runs `fn` as the phase `name`, logging it and appending its seconds to `timings`. */
export function phaseTimer(log: (line: string) => void, timings: StageTiming[]): <T>(name: string, fn: () => Promise<T> | T) => Promise<T> {
  return async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    log(name);
    const start = performance.now();
    const value = await fn();
    timings.push({ name, seconds: (performance.now() - start) / 1000 });
    return value;
  };
}
