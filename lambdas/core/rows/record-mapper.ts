import type { Decoder } from '../codecs/decoder.js';
import { PoisonRecordError, describeLocation, isSinkError } from '../errors.js';
import type { KafkaRecord } from '../event/record.js';
import type { MappedRecord, RecordMapper, RowWrite, TableFailure } from '../writer/row.js';
import type { DecodedRecord } from './extract.js';
import type { RowBuilder } from './table-plan.js';

export interface TopicMapping {
  /** undefined when no table reads the key (or the value): it is then never decoded. */
  readonly decodeKey: Decoder | undefined;
  readonly decodeValue: Decoder | undefined;
  readonly tables: readonly { readonly name: string; readonly build: RowBuilder }[];
}

/**
 * Maps a record of any configured topic: decodes key and value once, then
 * builds one statement per table. Synchronous unless an Avro schema has to be
 * fetched first. Never throws for a record: failures are PoisonRecordErrors
 * that name the record, the table, the column and the value.
 */
export function createRecordMapper(topics: ReadonlyMap<string, TopicMapping>): RecordMapper {
  return (record) => {
    const topic = topics.get(record.topic);
    if (topic === undefined) {
      return {
        rows: [],
        failures: [
          {
            table: '(none)',
            error: new PoisonRecordError(`${describeLocation(record)}: topic "${record.topic}" is not in the sink config`),
          },
        ],
      };
    }
    let key: unknown;
    let value: unknown;
    try {
      key = topic.decodeKey ? topic.decodeKey(record.key, record.keySchemaMetadata) : record.key;
      value = topic.decodeValue ? topic.decodeValue(record.value, record.valueSchemaMetadata) : record.value;
    } catch (error) {
      return decodeFailure(record, topic, error);
    }
    if (key instanceof Promise || value instanceof Promise) {
      return Promise.all([key, value]).then(
        ([k, v]) => mapTables(topic, { record, key: k, value: v }),
        (error: unknown) => decodeFailure(record, topic, error),
      );
    }
    return mapTables(topic, { record, key, value });
  };
}

function mapTables(topic: TopicMapping, decoded: DecodedRecord): MappedRecord {
  const rows: RowWrite[] = [];
  let failures: TableFailure[] | undefined;
  for (const table of topic.tables) {
    try {
      const row = table.build(decoded);
      if (row !== undefined) rows.push(row);
    } catch (error) {
      (failures ??= []).push({ table: table.name, error: locate(decoded.record, table.name, error) });
    }
  }
  return { rows, failures: failures ?? NONE };
}

const NONE: TableFailure[] = [];

function decodeFailure(record: KafkaRecord, topic: TopicMapping, error: unknown): MappedRecord {
  // A registry that cannot be reached is not the record's fault: let it be retried.
  if (isSinkError(error) && error.kind !== 'poison') throw error;
  const poison = locate(record, topic.tables.map((table) => table.name).join(', '), error);
  return { rows: [], failures: topic.tables.map((table) => ({ table: table.name, error: poison })) };
}

function locate(record: KafkaRecord, table: string, error: unknown): PoisonRecordError {
  if (isSinkError(error) && error.kind !== 'poison') throw error;
  const message = error instanceof Error ? error.message : String(error);
  return new PoisonRecordError(`${describeLocation(record)} → ${table}: ${message}`, { cause: error });
}
