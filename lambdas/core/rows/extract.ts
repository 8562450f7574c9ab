import { types } from 'cassandra-driver';
import { PoisonRecordError } from '../errors.js';
import type { KafkaRecord } from '../event/record.js';
import type { MappingSource } from '../mapping/ast.js';
import { formatSource } from '../mapping/format.js';

/** A mapped field the record does not have (as opposed to a field that is null). */
export const ABSENT: unique symbol = Symbol('absent');
export type Extracted = unknown;

/** The decoded parts of one record, shared by every table of its topic. */
export interface DecodedRecord {
  readonly record: KafkaRecord;
  readonly key: unknown;
  readonly value: unknown;
}

export type Extractor = (decoded: DecodedRecord) => Extracted;

export interface ExtractOptions {
  /** Header values as raw bytes (blob columns) instead of UTF-8 text. */
  readonly headerBytes: boolean;
  /** What now() yields: a timeuuid, or a timestamp (Date). */
  readonly now: 'timeuuid' | 'timestamp';
}

/**
 * Compiles reading one mapping source. Returns ABSENT when a field or header
 * is missing; a path through null gives null; a path through a value that is
 * not an object is a PoisonRecordError.
 */
export function compileExtractor(source: MappingSource, options: ExtractOptions): Extractor {
  switch (source.kind) {
    case 'function':
      // As the connector: a new time-based UUID per write (Uuids.timeBased), so a replay writes a new one.
      return options.now === 'timeuuid' ? () => types.TimeUuid.now() : () => new Date();
    case 'header': {
      const { name } = source;
      return ({ record }) => {
        // The last header of a name wins, as Kafka Connect's Headers.lastWithName.
        const headers = record.headers;
        for (let index = headers.length - 1; index >= 0; index--) {
          const header = headers[index];
          if (header?.name === name) return options.headerBytes ? header.value : header.value.toString('utf8');
        }
        return ABSENT;
      };
    }
    case 'key':
    case 'value': {
      const { kind, path } = source;
      if (path.length === 0) return (decoded) => decoded[kind];
      const text = formatSource(source);
      return (decoded) => walk(decoded[kind], path, text);
    }
  }
}

function walk(root: unknown, path: readonly string[], text: string): Extracted {
  let current = root;
  for (let index = 0; index < path.length; index++) {
    if (current === null || current === undefined) return null;
    if (typeof current !== 'object' || Array.isArray(current) || Buffer.isBuffer(current)) {
      const where = index === 0 ? text.split('.')[0] : `${text.split('.')[0] ?? ''}.${path.slice(0, index).join('.')}`;
      throw new PoisonRecordError(`${text}: ${where ?? 'the record'} is ${describe(current)}, not an object with fields`);
    }
    const segment = path[index] ?? '';
    const next = current instanceof Map ? (current as Map<unknown, unknown>).get(segment) : (current as Record<string, unknown>)[segment];
    if (next === undefined && !(current instanceof Map ? current.has(segment) : Object.hasOwn(current, segment))) return ABSENT;
    current = next;
  }
  return current;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (Buffer.isBuffer(value)) return 'bytes';
  return `a ${typeof value}`;
}
