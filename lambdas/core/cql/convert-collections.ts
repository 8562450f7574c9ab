import { types } from 'cassandra-driver';
import { showValue } from '../errors.js';
import { ConversionFailure, describeType, fail, isBytes, type ValueConverter } from './convert-support.js';
import {
  formatCqlType,
  type CqlType,
  type ListType,
  type MapType,
  type SetType,
  type TupleType,
  type UdtType,
  type VectorType,
} from './types.js';

/*
 * Collections, tuples, UDTs and vectors convert element by element with the
 * element type's converter. A string is first read as JSON, as DSBulk does
 * for string fields, so a `string`-format record can still fill a list.
 * A failure deep inside says where: `at [2]`, `at .street`, `at {"k"}`.
 */

type Compile = (type: CqlType) => ValueConverter;
type Structured = ListType | SetType | MapType | TupleType | UdtType | VectorType;

/** Where an element sits: its index (`[2]`), or a segment text, or a function making it; only formatted when it fails. */
type Segment = number | string | (() => string);

function segmentText(segment: Segment): string {
  return typeof segment === 'number' ? `[${segment}]` : typeof segment === 'string' ? segment : segment();
}

function convertAt(convert: ValueConverter, typeText: string, value: unknown, segment: Segment, nullable: boolean): unknown {
  try {
    const result = value === null || value === undefined ? null : convert(value);
    if (result === null && !nullable) return fail(value, 'a collection cannot contain null');
    return result;
  } catch (error) {
    if (error instanceof ConversionFailure) {
      error.path.unshift(segmentText(segment));
      error.typeText ??= typeText;
    }
    throw error;
  }
}

function fromJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return fail(value, 'text is not JSON');
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !isBytes(value) &&
    !(value instanceof Map) &&
    !(value instanceof Set)
  );
}

function elementsOf(value: unknown, what: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (value instanceof Set || value instanceof Float32Array || value instanceof Float64Array) return [...(value as Iterable<unknown>)];
  if (value instanceof types.Vector) return [...(value as Iterable<unknown>)];
  return fail(value, `expected an array for a ${what}, got ${describeType(value)}`);
}

function listConverter(type: ListType | SetType, compile: Compile): ValueConverter {
  const convert = compile(type.element);
  const elementText = formatCqlType(type.element);
  return (raw) => {
    const items = elementsOf(fromJsonText(raw), type.kind);
    return items.map((item, index) => convertAt(convert, elementText, item, index, false));
  };
}

function mapEntries(value: unknown): Iterable<readonly [unknown, unknown]> {
  if (value instanceof Map) return value as Map<unknown, unknown>;
  if (Array.isArray(value)) {
    return value.map((pair: unknown): readonly [unknown, unknown] => {
      if (Array.isArray(pair) && pair.length === 2) return [pair[0], pair[1]];
      if (isPlainObject(pair) && 'key' in pair && 'value' in pair && Object.keys(pair).length === 2) return [pair.key, pair.value];
      return fail(pair, 'a map given as an array needs [key, value] pairs or {key, value} objects');
    });
  }
  if (isPlainObject(value)) return Object.entries(value);
  return fail(value, `expected an object for a map, got ${describeType(value)}`);
}

function mapConverter(type: MapType, compile: Compile): ValueConverter {
  const convertKey = compile(type.key);
  const convertValue = compile(type.value);
  const keyText = formatCqlType(type.key);
  const valueText = formatCqlType(type.value);
  return (raw) => {
    const result = new Map<unknown, unknown>();
    for (const [key, value] of mapEntries(fromJsonText(raw))) {
      // showValue, not String(): a key object without a prototype has no toString.
      const segment = (): string => `{${JSON.stringify(typeof key === 'string' ? key : showValue(key, 40))}}`;
      result.set(
        convertAt(convertKey, keyText, key, () => `${segment()} key`, false),
        convertAt(convertValue, valueText, value, segment, false),
      );
    }
    return result;
  };
}

function tupleConverter(type: TupleType, compile: Compile): ValueConverter {
  const converters = type.elements.map(compile);
  const texts = type.elements.map(formatCqlType);
  return (raw) => {
    const value = fromJsonText(raw);
    const items = value instanceof types.Tuple ? value.values() : elementsOf(value, 'tuple');
    if (items.length !== converters.length)
      return fail(value, `a ${formatCqlType(type)} has ${converters.length} elements, not ${items.length}`);
    return types.Tuple.fromArray(converters.map((convert, index) => convertAt(convert, texts[index] ?? '', items[index], index, true)));
  };
}

function udtConverter(type: UdtType, compile: Compile): ValueConverter {
  const fields = type.fields.map((field) => ({
    name: field.name,
    segment: `.${field.name}`,
    convert: compile(field.type),
    text: formatCqlType(field.type),
  }));
  const known = new Set(type.fields.map((field) => field.name));
  const fieldList = type.fields.map((field) => field.name).join(', ');
  return (raw) => {
    const value = fromJsonText(raw);
    if (!isPlainObject(value)) return fail(value, `expected an object for user-defined type ${type.name}, got ${describeType(value)}`);
    for (const name of Object.keys(value)) {
      if (!known.has(name)) return fail(value, `unknown field ${JSON.stringify(name)} (${type.name} has ${fieldList})`);
    }
    const result: Record<string, unknown> = {};
    for (const field of fields) result[field.name] = convertAt(field.convert, field.text, value[field.name], field.segment, true);
    return result;
  };
}

function vectorConverter(type: VectorType, compile: Compile): ValueConverter {
  const convert = compile(type.element);
  const elementText = formatCqlType(type.element);
  return (raw) => {
    const value = fromJsonText(raw);
    const items = elementsOf(value, 'vector');
    if (items.length !== type.dimension) return fail(value, `expected ${type.dimension} elements, got ${items.length}`);
    return new types.Vector(
      items.map((item, index) => convertAt(convert, elementText, item, index, false)),
      elementText,
    );
  };
}

export function collectionConverter(type: Structured, compile: Compile): ValueConverter {
  switch (type.kind) {
    case 'list':
    case 'set':
      return listConverter(type, compile);
    case 'map':
      return mapConverter(type, compile);
    case 'tuple':
      return tupleConverter(type, compile);
    case 'udt':
      return udtConverter(type, compile);
    case 'vector':
      return vectorConverter(type, compile);
  }
}
