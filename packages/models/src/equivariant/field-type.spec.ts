import { describe, expect, it } from 'vitest';
import { FieldTypeError } from './errors.ts';
import {
  TRIVIAL_GROUP,
  assertChannels,
  assertFieldType,
  channelCount,
  cyclicGroup,
  describeFieldType,
  fieldTypeOf,
  fieldTypeToJson,
  parseFieldType,
  regularFields,
  sameFieldType,
  tagFieldType,
  trivialFields,
} from './field-type.ts';

describe('field types', () => {
  it('counts channels field-major: N per regular field, 1 per trivial field', () => {
    expect(channelCount(regularFields(8, 16))).toBe(128);
    expect(channelCount(trivialFields(cyclicGroup(8), 3))).toBe(3);
    expect(channelCount(fieldTypeToJson(regularFields(1, 5)) && regularFields(1, 5))).toBe(5);
    expect(describeFieldType(regularFields(4, 2))).toBe('2 regular fields of C4 (8 channels)');
  });

  it('tells apart types with equal channel counts', () => {
    expect(channelCount(regularFields(4, 16))).toBe(channelCount(regularFields(8, 8)));
    expect(sameFieldType(regularFields(4, 16), regularFields(8, 8))).toBe(false);
    expect(() => assertFieldType(regularFields(8, 8), regularFields(4, 16), 'layer x')).toThrow(
      /layer x takes 8 regular fields of C8 \(64 channels\) but was given 16 regular fields of C4/,
    );
    expect(() => assertFieldType(regularFields(8, 8), trivialFields(cyclicGroup(8), 8), 'y')).toThrow(FieldTypeError);
    expect(sameFieldType(trivialFields(TRIVIAL_GROUP, 3), trivialFields({ kind: 'trivial' }, 3))).toBe(true);
  });

  it('checks channel axes against the type', () => {
    expect(() => assertChannels(regularFields(8, 2), 15, 'z')).toThrow(/has 15 channels.*must have 16/);
    expect(() => assertChannels(regularFields(8, 2), null, 'z')).toThrow(/known channel dimension/);
    expect(() => assertChannels(regularFields(8, 2), 16, 'z')).not.toThrow();
  });

  it('refuses invalid groups and field counts', () => {
    expect(() => cyclicGroup(0)).toThrow(/positive integer/);
    expect(() => regularFields(8, 0)).toThrow(/positive integer number of fields/);
    expect(() => regularFields(2.5, 1)).toThrow(FieldTypeError);
  });

  it('round-trips through layer-config JSON', () => {
    for (const t of [regularFields(16, 3), trivialFields(cyclicGroup(4), 1), trivialFields(TRIVIAL_GROUP, 7)]) {
      const back = parseFieldType(JSON.parse(JSON.stringify(fieldTypeToJson(t))), 'cfg');
      expect(sameFieldType(back, t)).toBe(true);
    }
    expect(() => parseFieldType({ group: { kind: 'dihedral' }, fields: 1, representation: 'regular' }, 'cfg.inType')).toThrow(
      /cfg.inType.group/,
    );
    expect(() => parseFieldType({ group: { kind: 'cyclic', order: 4 }, fields: 1, representation: 'irrep' }, 'c')).toThrow(
      /c.representation/,
    );
  });

  it('tags tensors without touching them', () => {
    const t = {};
    expect(fieldTypeOf(t)).toBeUndefined();
    tagFieldType(t, regularFields(4, 1));
    expect(fieldTypeOf(t)).toEqual(regularFields(4, 1));
  });
});
