// Feature types in the sense of escnn's FieldType: which group acts, how many
// fields, and which representation each field carries. Layers declare the type
// they take and give; tensors produced by equivariant layers are tagged with
// their type so that wiring two layers of different groups fails loudly even
// when the channel counts happen to agree (C4 x 16 fields = C8 x 8 fields).
//
// Channel layout of a regular field of C_N is field-major, orientation-minor:
// channel = field * N + r, where r is the index of the rotation by 2 pi r / N.
// A rotation by 2 pi s / N maps orientation channel r to r + s (mod N).
import { FieldTypeError } from './errors.ts';

/** The symmetry group of a feature space: the cyclic group C_N of plane rotations, or no symmetry. */
export type GroupSpec = { readonly kind: 'cyclic'; readonly order: number } | { readonly kind: 'trivial' };

/**
 * How each field transforms: `trivial` fields are scalars (one channel, unchanged by the
 * group's fibre action), `regular` fields of C_N are N channels that the group permutes
 * cyclically. Irreducible and Fourier representations of SO(2) extend this union.
 */
export type Representation = 'trivial' | 'regular';

export interface FieldType {
  readonly group: GroupSpec;
  readonly fields: number;
  readonly representation: Representation;
}

/** The cyclic group C_N; N >= 1. */
export function cyclicGroup(order: number): GroupSpec {
  if (!Number.isInteger(order) || order < 1) {
    throw new FieldTypeError(`the order of C_N must be a positive integer, got ${String(order)}`);
  }
  return { kind: 'cyclic', order };
}

export const TRIVIAL_GROUP: GroupSpec = Object.freeze({ kind: 'trivial' });

export function fieldType(group: GroupSpec, fields: number, representation: Representation): FieldType {
  if (!Number.isInteger(fields) || fields < 1) {
    throw new FieldTypeError(`a field type needs a positive integer number of fields, got ${String(fields)}`);
  }
  if (group.kind === 'cyclic') cyclicGroup(group.order);
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

/** Order of the group (1 for the trivial group). */
export function groupOrder(group: GroupSpec): number {
  return group.kind === 'cyclic' ? group.order : 1;
}

/** Channels per field: 1 for a trivial field, |G| for a regular one. */
export function fieldSize(type: FieldType): number {
  return type.representation === 'regular' ? groupOrder(type.group) : 1;
}

export function channelCount(type: FieldType): number {
  return type.fields * fieldSize(type);
}

export function describeGroup(group: GroupSpec): string {
  return group.kind === 'cyclic' ? `C${group.order}` : 'trivial group';
}

export function describeFieldType(type: FieldType): string {
  const per = fieldSize(type);
  return `${type.fields} ${type.representation} field${type.fields === 1 ? '' : 's'} of ${describeGroup(type.group)} (${
    type.fields * per
  } channel${type.fields * per === 1 ? '' : 's'})`;
}

export function sameGroup(a: GroupSpec, b: GroupSpec): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind === 'trivial' || a.order === (b as { order: number }).order;
}

export function sameFieldType(a: FieldType, b: FieldType): boolean {
  return sameGroup(a.group, b.group) && a.fields === b.fields && a.representation === b.representation;
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
        `with channel = field * ${fieldSize(expected)} + orientation the input must have ${channelCount(expected)}`,
    );
  }
}

/** A field type as a plain JSON value for layer configs; `parseFieldType` is its inverse. */
export function fieldTypeToJson(type: FieldType): { group: { kind: string; order?: number }; fields: number; representation: string } {
  return {
    group: type.group.kind === 'cyclic' ? { kind: 'cyclic', order: type.group.order } : { kind: 'trivial' },
    fields: type.fields,
    representation: type.representation,
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
  else throw new FieldTypeError(`${where}.group must be {kind: 'cyclic', order} or {kind: 'trivial'}, got ${JSON.stringify(g)}`);
  const rep = v.representation;
  if (rep !== 'trivial' && rep !== 'regular') {
    throw new FieldTypeError(`${where}.representation must be 'trivial' or 'regular', got ${JSON.stringify(rep)}`);
  }
  return fieldType(group, Number(v.fields), rep);
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
