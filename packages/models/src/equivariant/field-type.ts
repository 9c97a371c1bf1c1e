// Feature types in the sense of escnn's FieldType: which group acts, how many
// fields, and which representation each field carries. Layers declare the type
// they take and give; tensors produced by equivariant layers are tagged with
// their type so that wiring two layers of different groups fails loudly even
// when the channel counts happen to agree (C4 x 16 fields = C8 x 8 fields).
//
// Channel layout of a regular field of C_N is field-major, orientation-minor:
// channel = field * N + r, where r is the index of the rotation by 2 pi r / N.
// A rotation by 2 pi s / N maps orientation channel r to r + s (mod N).
//
// A Fourier field of SO(2) band-limited to frequency L holds the Fourier
// coefficients of a function on the circle, one SO(2) irrep per frequency:
// channel = field * (2L + 1) + j with j = 0 for frequency 0 and j = 2k - 1,
// 2k for the (cos, sin) pair of frequency k. A rotation by theta multiplies
// the pair of frequency k by [[cos k theta, -sin k theta], [sin k theta,
// cos k theta]] (see so2-action.ts).
import { FieldTypeError } from './errors.ts';

/** The symmetry group of a feature space: the cyclic group C_N of plane rotations, all plane rotations SO(2), or no symmetry. */
export type GroupSpec = { readonly kind: 'cyclic'; readonly order: number } | { readonly kind: 'so2' } | { readonly kind: 'trivial' };

/**
 * How each field transforms: `trivial` fields are scalars (one channel, unchanged by the
 * group's fibre action), `regular` fields of C_N are N channels that the group permutes
 * cyclically, `fourier` fields of SO(2) are the 2L + 1 Fourier coefficients (frequencies
 * 0..L) of a function on the circle, rotated irrep by irrep.
 */
export type Representation = 'trivial' | 'regular' | 'fourier';

export interface FieldType {
  readonly group: GroupSpec;
  readonly fields: number;
  readonly representation: Representation;
  /** Band limit L of `fourier` fields; absent for the other representations. */
  readonly maxFrequency?: number;
}

/** The cyclic group C_N; N >= 1. */
export function cyclicGroup(order: number): GroupSpec {
  if (!Number.isInteger(order) || order < 1) {
    throw new FieldTypeError(`the order of C_N must be a positive integer, got ${String(order)}`);
  }
  return { kind: 'cyclic', order };
}

export const TRIVIAL_GROUP: GroupSpec = Object.freeze({ kind: 'trivial' });

/** The group of all plane rotations. */
export const SO2_GROUP: GroupSpec = Object.freeze({ kind: 'so2' });

/** `maxFrequency` is required for (and only allowed with) the `fourier` representation. */
export function fieldType(group: GroupSpec, fields: number, representation: Representation, maxFrequency?: number): FieldType {
  if (!Number.isInteger(fields) || fields < 1) {
    throw new FieldTypeError(`a field type needs a positive integer number of fields, got ${String(fields)}`);
  }
  if (group.kind === 'cyclic') cyclicGroup(group.order);
  if (representation === 'fourier') {
    if (group.kind !== 'so2') {
      throw new FieldTypeError(`fourier fields belong to SO(2), not to the ${describeGroup(group)}; use regular fields for C_N`);
    }
    if (maxFrequency === undefined || !Number.isInteger(maxFrequency) || maxFrequency < 0) {
      throw new FieldTypeError(`fourier fields need a non-negative integer band limit (maxFrequency), got ${String(maxFrequency)}`);
    }
    return Object.freeze({ group: Object.freeze({ ...group }), fields, representation, maxFrequency });
  }
  if (maxFrequency !== undefined) {
    throw new FieldTypeError(`only fourier fields have a band limit; ${representation} fields were given maxFrequency ${String(maxFrequency)}`);
  }
  if (representation === 'regular' && group.kind === 'so2') {
    throw new FieldTypeError('SO(2) has no finite regular representation; use fourier fields (band-limited to a maximum frequency)');
  }
  return Object.freeze({ group: Object.freeze({ ...group }), fields, representation });
}

/** `fields` scalar fields of `group` (images, invariant features). */
export function trivialFields(group: GroupSpec, fields: number): FieldType {
  return fieldType(group, fields, 'trivial');
}

/** `fields` regular fields of C_N, N channels each. */
export function regularFields(order: number, fields: number): FieldType {
  return fieldType(cyclicGroup(order), fields, 'regular');
}

/** `fields` Fourier fields of SO(2) with frequencies 0..maxFrequency, 2 maxFrequency + 1 channels each. */
export function fourierFields(maxFrequency: number, fields: number): FieldType {
  return fieldType(SO2_GROUP, fields, 'fourier', maxFrequency);
}

/** Order of a finite group (1 for the trivial group); SO(2) is infinite and throws. */
export function groupOrder(group: GroupSpec): number {
  if (group.kind === 'so2') {
    throw new FieldTypeError('SO(2) is infinite: it has no group order; act with rotation angles (so2-action.ts) instead of element indices');
  }
  return group.kind === 'cyclic' ? group.order : 1;
}

/** Channels per field: 1 for a trivial field, |G| for a regular one, 2L + 1 for a Fourier field. */
export function fieldSize(type: FieldType): number {
  if (type.representation === 'fourier') return 2 * type.maxFrequency! + 1;
  return type.representation === 'regular' ? groupOrder(type.group) : 1;
}

export function channelCount(type: FieldType): number {
  return type.fields * fieldSize(type);
}

export function describeGroup(group: GroupSpec): string {
  return group.kind === 'cyclic' ? `C${group.order}` : group.kind === 'so2' ? 'SO(2)' : 'trivial group';
}

export function describeFieldType(type: FieldType): string {
  const per = fieldSize(type);
  const band = type.representation === 'fourier' ? ` up to frequency ${type.maxFrequency}` : '';
  return `${type.fields} ${type.representation} field${type.fields === 1 ? '' : 's'} of ${describeGroup(type.group)}${band} (${
    type.fields * per
  } channel${type.fields * per === 1 ? '' : 's'})`;
}

export function sameGroup(a: GroupSpec, b: GroupSpec): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'cyclic' || a.order === (b as { order: number }).order;
}

export function sameFieldType(a: FieldType, b: FieldType): boolean {
  return (
    sameGroup(a.group, b.group) &&
    a.fields === b.fields &&
    a.representation === b.representation &&
    (a.representation !== 'fourier' || a.maxFrequency === b.maxFrequency)
  );
}

/** Throws a FieldTypeError naming `where` unless `actual` equals `expected`. */
export function assertFieldType(expected: FieldType, actual: FieldType, where: string): void {
  if (!sameFieldType(expected, actual)) {
    throw new FieldTypeError(
      `${where} takes ${describeFieldType(expected)} but was given ${describeFieldType(actual)}; ` +
        'make the previous layer output this type (same group, number of fields and representation)',
    );
  }
}

/** Throws unless a tensor's channel axis has the size the field type implies. */
export function assertChannels(expected: FieldType, channels: number | null | undefined, where: string): void {
  if (channels == null) {
    throw new FieldTypeError(`${where} needs a known channel dimension (${describeFieldType(expected)})`);
  }
  if (channels !== channelCount(expected)) {
    throw new FieldTypeError(
      `${where} takes ${describeFieldType(expected)} but its input has ${channels} channels; ` +
        `with channel = field * ${fieldSize(expected)} + ${expected.representation === 'fourier' ? 'coefficient' : 'orientation'} the input must have ${channelCount(expected)}`,
    );
  }
}

/** A field type as a plain JSON value for layer configs; `parseFieldType` is its inverse. */
export function fieldTypeToJson(type: FieldType): {
  group: { kind: string; order?: number };
  fields: number;
  representation: string;
  maxFrequency?: number;
} {
  return {
    group: type.group.kind === 'cyclic' ? { kind: 'cyclic', order: type.group.order } : { kind: type.group.kind },
    fields: type.fields,
    representation: type.representation,
    ...(type.representation === 'fourier' ? { maxFrequency: type.maxFrequency! } : {}),
  };
}

/** Reads a field type from a layer config (or any untrusted value), naming `where` on error. */
export function parseFieldType(value: unknown, where: string): FieldType {
  if (typeof value !== 'object' || value === null) {
    throw new FieldTypeError(`${where} must be a field type {group, fields, representation}, got ${JSON.stringify(value)}`);
  }
  const v = value as Record<string, unknown>;
  const g = v.group as Record<string, unknown> | undefined;
  let group: GroupSpec;
  if (g !== undefined && g !== null && g.kind === 'cyclic') group = cyclicGroup(Number(g.order));
  else if (g !== undefined && g !== null && g.kind === 'trivial') group = TRIVIAL_GROUP;
  else if (g !== undefined && g !== null && g.kind === 'so2') group = SO2_GROUP;
  else {
    throw new FieldTypeError(`${where}.group must be {kind: 'cyclic', order}, {kind: 'so2'} or {kind: 'trivial'}, got ${JSON.stringify(g)}`);
  }
  const rep = v.representation;
  if (rep !== 'trivial' && rep !== 'regular' && rep !== 'fourier') {
    throw new FieldTypeError(`${where}.representation must be 'trivial', 'regular' or 'fourier', got ${JSON.stringify(rep)}`);
  }
  try {
    return fieldType(group, Number(v.fields), rep, rep === 'fourier' ? Number(v.maxFrequency) : undefined);
  } catch (cause) {
    throw new FieldTypeError(`${where}: ${(cause as Error).message}`, { cause });
  }
}

// Tags live beside the tensors (symbolic or eager) rather than on them, so
// tfjs objects are never mutated and tags vanish with their tensors.
const TAGS = new WeakMap<object, FieldType>();

/** Declares the feature type of a tensor (e.g. a model input); equivariant layers check it. */
export function tagFieldType<T extends object>(tensor: T, type: FieldType): T {
  TAGS.set(tensor, type);
  return tensor;
}

/** The feature type an equivariant layer or `tagFieldType` attached to a tensor, if any. */
export function fieldTypeOf(tensor: object): FieldType | undefined {
  return TAGS.get(tensor);
}
