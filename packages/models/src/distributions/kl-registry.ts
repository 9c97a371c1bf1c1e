// KL divergences looked up by the pair of distribution types, as in
// torch.distributions.kl / tfp.distributions.kl_divergence.
import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from './distribution.ts';
import { DuplicateKLError, UnregisteredKLError } from './errors.ts';

/** A class whose instances are distributions (constructor arguments are irrelevant here). */
export type DistributionType<D extends Distribution = Distribution> = abstract new (...args: never[]) => D;

/** KL(p || q) per batch row, [batchSize]. */
export type KLFunction<P extends Distribution, Q extends Distribution> = (p: P, q: Q) => tf.Tensor1D;

const registry = new Map<DistributionType, Map<DistributionType, KLFunction<Distribution, Distribution>>>();

export interface RegisterKLOptions {
  /** Replace an existing entry for the same pair instead of throwing. */
  replace?: boolean;
}

/** Registers `fn` as KL(p || q) for p an instance of `pType` and q an instance of `qType`. */
export function registerKL<P extends Distribution, Q extends Distribution>(
  pType: DistributionType<P>,
  qType: DistributionType<Q>,
  fn: KLFunction<P, Q>,
  options: RegisterKLOptions = {},
): void {
  let row = registry.get(pType);
  if (row === undefined) {
    row = new Map();
    registry.set(pType, row);
  }
  if (row.has(qType) && options.replace !== true) {
    throw new DuplicateKLError(
      `a KL divergence for (${pType.name}, ${qType.name}) is already registered; ` +
        'pass { replace: true } to registerKL to override it',
    );
  }
  // Lookup only ever calls fn with a P and a Q, so widening the parameter types is sound.
  row.set(qType, fn as unknown as KLFunction<Distribution, Distribution>);
}

function typeChain(value: Distribution): DistributionType[] {
  const chain: DistributionType[] = [];
  for (let proto = Object.getPrototypeOf(value); proto !== null && proto !== Object.prototype; ) {
    chain.push(proto.constructor as DistributionType);
    proto = Object.getPrototypeOf(proto);
  }
  return chain;
}

/**
 * KL(p || q) per batch row. Looks up the most specific registered pair along the class chains of
 * p and q (p's own class first), and throws `UnregisteredKLError` if there is none.
 */
export function klDivergence(p: Distribution, q: Distribution): tf.Tensor1D {
  const qChain = typeChain(q);
  for (const pType of typeChain(p)) {
    const row = registry.get(pType);
    if (row === undefined) continue;
    for (const qType of qChain) {
      const fn = row.get(qType);
      if (fn !== undefined) return fn(p, q);
    }
  }
  const pName = p.constructor.name;
  const qName = q.constructor.name;
  const known = [...registry].flatMap(([a, row]) => [...row.keys()].map((b) => `(${a.name}, ${b.name})`));
  throw new UnregisteredKLError(
    `no KL divergence is registered for (${pName}, ${qName}); registered pairs: ${known.join(', ') || 'none'}. ` +
      `Register one with registerKL(${pName}, ${qName}, (p, q) => ...).`,
  );
}
