import avsc from 'avsc';
import fc from 'fast-check';
import { createAvroSchemas, createDecoder } from '../../lambdas/core/codecs/decoder.js';
import type { SchemaRegistry } from '../../lambdas/core/codecs/schema-registry.js';
import { codecSettingsSchema, type RecordFormat } from '../../lambdas/core/codecs/settings.js';
import { loadSinkConfig, parseSinkConfig } from '../../lambdas/core/config/load.js';
import { makeConverter } from '../../lambdas/core/cql/convert.js';
import { formatCqlType, parseCqlType } from '../../lambdas/core/cql/types.js';
import { PoisonRecordError, SinkError } from '../../lambdas/core/errors.js';
import { decodeEvent } from '../../lambdas/core/event/decode.js';
import { formatSource } from '../../lambdas/core/mapping/format.js';
import { parseMapping } from '../../lambdas/core/mapping/parse.js';
import { compileExtractor } from '../../lambdas/core/rows/extract.js';
import { codecSettings, cqlType, decodedValue, nearValidText, typedValue, udtLookup } from './arbitraries.js';
import { nearValidEvent } from './events.js';

/*
 * The fuzz properties. Each one feeds arbitrary and near-valid input to one
 * entry point of the core and checks the contract every entry point has:
 * it returns a value, or throws one of our typed errors (a SinkError:
 * ConfigError, PoisonRecordError, TransientError), never a plain Error,
 * TypeError or RangeError, and never an unhandled rejection.
 *
 * Each is a function of `numRuns` so that `npm run fuzz` runs them long and
 * the unit suite runs a sample (test/unit/fuzz.test.ts).
 */

export interface FuzzOptions {
  readonly numRuns: number;
  readonly seed?: number;
}

/** Thrown when a target throws something that is not one of our typed errors. */
export class UntypedError extends Error {
  override readonly name = 'UntypedError';
}

function untyped(error: unknown): UntypedError {
  const described = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : `non-Error thrown: ${String(error)}`;
  return new UntypedError(`threw an untyped error: ${described}`, { cause: error });
}

/** Runs `target`; a SinkError is an allowed outcome, anything else fails the property. Returns the value or the error. */
export function typedOutcome(target: () => unknown): unknown {
  try {
    return target();
  } catch (error) {
    if (error instanceof SinkError) return error;
    throw untyped(error);
  }
}

export async function typedOutcomeAsync(target: () => unknown): Promise<unknown> {
  try {
    return await target();
  } catch (error) {
    if (error instanceof SinkError) return error;
    throw untyped(error);
  }
}

const parameters = (options: FuzzOptions): fc.Parameters<unknown> => ({
  numRuns: options.numRuns,
  ...(options.seed === undefined ? {} : { seed: options.seed }),
  // A failure names its counterexample in full.
  verbose: fc.VerbosityLevel.Verbose,
});

/** decodeEvent: any JSON, and valid events with one mutation. */
export function fuzzEventDecoder(options: FuzzOptions): void {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), fc.anything(), nearValidEvent, nearValidEvent, nearValidEvent), (event) => {
      const outcome = typedOutcome(() => decodeEvent(event));
      if (outcome instanceof SinkError) {
        // A malformed event is a config-kind error (never retried, never dead-lettered), and says what was wrong.
        if (outcome.kind !== 'config' || outcome.message === '') throw new Error(`unexpected ${outcome.name}: ${outcome.message}`);
      }
    }),
    parameters(options),
  );
}

const mappingAlphabet = fc.constantFrom(
  ...'abcXYZ_019 =,.()"\t\n\'-;:*é'.split(''),
  'key',
  'value',
  'header',
  'now',
  '__ttl',
  '__timestamp',
  '""',
);
const mappingWord = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/),
  fc.string({ minLength: 1, maxLength: 6 }).map((s) => `"${s.replaceAll('"', '""')}"`),
);
const mappingSourceText = fc.oneof(
  fc.constantFrom('key', 'value', 'now()', 'NOW()', '"key"', '"value"'),
  fc
    .tuple(fc.constantFrom('key', 'value', 'header'), fc.array(mappingWord, { minLength: 1, maxLength: 3 }))
    .map(([root, path]) => `${root}.${path.join('.')}`),
  mappingWord.map((word) => `"value.${word.replaceAll('"', '')}"`),
);
const validMappingText = fc
  .array(fc.tuple(fc.oneof(mappingWord, fc.constantFrom('__ttl', '__timestamp')), mappingSourceText), { minLength: 1, maxLength: 5 })
  .map((pairs) => pairs.map(([column, source]) => `${column}=${source}`).join(', '));

/** Inserts, deletes or replaces one character of a text. */
const mutatedText = (valid: fc.Arbitrary<string>, alphabet: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(valid, fc.nat(), fc.constantFrom('insert', 'delete', 'replace', 'none'), alphabet).map(([text, at, how, char]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    if (how === 'insert') return text.slice(0, i) + char + text.slice(i);
    if (how === 'delete') return text.slice(0, i) + text.slice(i + 1);
    if (how === 'replace') return text.slice(0, i) + char + text.slice(i + 1);
    return text;
  });

/** parseMapping: any string, strings of mapping tokens, and valid mappings with one edit. */
export function fuzzMappingParser(options: FuzzOptions): void {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.string({ unit: 'binary' }),
        fc.array(mappingAlphabet, { maxLength: 30 }).map((parts) => parts.join('')),
        mutatedText(validMappingText, mappingAlphabet),
      ),
      (text) => {
        const outcome = typedOutcome(() => parseMapping(text));
        if (outcome instanceof SinkError) {
          if (outcome.kind !== 'config') throw new Error(`a mapping error must be a ConfigError, got ${outcome.name}`);
          return;
        }
        // What parses formats back into sources that parse the same way.
        for (const entry of outcome as ReturnType<typeof parseMapping>) {
          if (entry.source.kind === 'function') continue;
          const again = parseMapping(`c=${formatSource(entry.source)}`)[0];
          if (JSON.stringify(again?.source) !== JSON.stringify(entry.source)) {
            throw new Error(
              `source ${JSON.stringify(entry.source)} formats as ${formatSource(entry.source)}, which parses as ${JSON.stringify(again?.source)}`,
            );
          }
        }
      },
    ),
    parameters(options),
  );
}

const typeAlphabet = fc.constantFrom(
  ...'<>,." \'0123-'.split(''),
  'int',
  'text',
  'frozen',
  'list',
  'set',
  'map',
  'tuple',
  'vector',
  'float',
  'address',
  'ks.address',
  '"Mixed Case"',
  '"',
  '99999999999999999999',
);

/** parseCqlType: any string, token soup, valid types with one edit; valid types round-trip through formatCqlType. */
export function fuzzCqlTypeParser(options: FuzzOptions): void {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.array(typeAlphabet, { maxLength: 12 }).map((parts) => parts.join('')),
        mutatedText(cqlType.map(formatCqlType), typeAlphabet),
        cqlType.map((type) => ({ type })),
      ),
      (input) => {
        if (typeof input === 'string') {
          const outcome = typedOutcome(() => parseCqlType(input, udtLookup));
          if (outcome instanceof SinkError && outcome.kind !== 'config')
            throw new Error(`a type error must be a ConfigError, got ${outcome.name}`);
          return;
        }
        const text = formatCqlType(input.type);
        const parsed = parseCqlType(text, udtLookup);
        if (formatCqlType(parsed) !== text) throw new Error(`${text} parses back as ${formatCqlType(parsed)}`);
      },
    ),
    parameters(options),
  );
}

/** JSON text of a value, as a `string`-format record would carry it (BigInt as digits). */
function jsonTextOf(value: unknown): string {
  // JSON.stringify returns undefined for undefined and functions, whatever its type says.
  const text = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) as string | undefined;
  return text ?? 'null';
}

/** makeConverter for every CQL type and codec setting, over every value shape a decoder yields. */
export function fuzzConverters(options: FuzzOptions): void {
  const defaults = codecSettingsSchema.parse({});
  fc.assert(
    fc.property(
      fc.oneof(
        { arbitrary: typedValue, weight: 3 },
        { arbitrary: typedValue.map(({ type, value }) => ({ type, value: jsonTextOf(value) })), weight: 1 },
        { arbitrary: fc.record({ type: cqlType, value: fc.oneof(decodedValue, nearValidText) }), weight: 2 },
      ),
      fc.oneof({ arbitrary: fc.constant(defaults), weight: 3 }, { arbitrary: codecSettings, weight: 1 }),
      fc.boolean(),
      ({ type, value }, settings, bigints) => {
        const convert = typedOutcome(() =>
          makeConverter(type, settings, { encoding: { useBigIntAsLong: bigints, useBigIntAsVarint: bigints } }),
        );
        if (convert instanceof SinkError) {
          if (convert.kind !== 'config') throw new Error(`building a converter may only fail with a ConfigError, got ${convert.name}`);
          return;
        }
        const outcome = typedOutcome(() => (convert as ReturnType<typeof makeConverter>)(value, { column: 'col' }));
        if (outcome instanceof SinkError && !(outcome instanceof PoisonRecordError))
          throw new Error(`a value may only fail as poison, got ${outcome.name}`);
      },
    ),
    parameters(options),
  );
}

/** Every Avro type, logical types included; schema id 1 in the fake registry. */
export const FUZZ_AVRO_SCHEMA = {
  type: 'record',
  name: 'Fuzz',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'n', type: 'int' },
    { name: 'f', type: 'float' },
    { name: 'd', type: 'double' },
    { name: 'b', type: 'boolean' },
    { name: 's', type: 'string' },
    { name: 'raw', type: 'bytes' },
    { name: 'opt', type: ['null', 'string', 'long'] },
    { name: 'color', type: { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN'] } },
    { name: 'fx', type: { type: 'fixed', name: 'Four', size: 4 } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attrs', type: { type: 'map', values: 'int' } },
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 20, scale: 3 } },
    { name: 'when', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'whenMicros', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'at', type: { type: 'int', logicalType: 'time-millis' } },
    { name: 'atMicros', type: { type: 'long', logicalType: 'time-micros' } },
    {
      name: 'nested',
      type: { type: 'record', name: 'Nested', fields: [{ name: 'x', type: ['null', { type: 'array', items: 'double' }] }] },
    },
  ],
} as const;

/** A registry that knows schema 1 (above) and 2 (unusable), and fails or does not know others as the port says. */
export class FuzzRegistry implements SchemaRegistry {
  getSchema(id: number): Promise<string> {
    if (id === 1) return Promise.resolve(JSON.stringify(FUZZ_AVRO_SCHEMA));
    if (id === 2) return Promise.resolve('{"type":"record","name":"Broken","fields":[{"name":"x","type":"nope"}]}');
    if (id === 3) return Promise.resolve('not json');
    return Promise.reject(new PoisonRecordError(`no schema with id ${id}`));
  }
}

const wire = (id: number, payload: Uint8Array): Buffer => {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, payload]);
};

const fuzzType = avsc.Type.forSchema(FUZZ_AVRO_SCHEMA as unknown as avsc.Schema);

const bytesArb = fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes));
const longArb = fc.oneof(
  fc.integer({ min: -9_007_199_254_740_990, max: 9_007_199_254_740_990 }),
  fc.integer({ min: -100_000_000, max: 100_000_000 }),
);
const avroValue = fc.record({
  id: longArb,
  n: fc.integer(),
  f: fc.float({ noNaN: false }),
  d: fc.double(),
  b: fc.boolean(),
  s: fc.string({ maxLength: 8 }),
  raw: bytesArb,
  opt: fc.oneof(fc.constant(null), fc.string({ maxLength: 4 }), longArb),
  color: fc.constantFrom('RED', 'GREEN'),
  fx: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((bytes) => Buffer.from(bytes)),
  tags: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  attrs: fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
  amount: bytesArb,
  when: longArb,
  whenMicros: longArb,
  day: fc.integer(),
  at: fc.integer(),
  atMicros: longArb,
  nested: fc.record({ x: fc.option(fc.array(fc.double(), { maxLength: 3 }), { nil: null }) }),
});

/** Valid Avro payloads of the schema (logical types as their raw encodings), and the same with a byte changed or cut. */
const avroPayload = fc
  .tuple(avroValue, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('valid', 'valid', 'flip', 'cut'))
  .map(([value, at, byte, how]) => {
    const bytes = Buffer.from(fuzzType.toBuffer(value));
    if (bytes.length === 0 || how === 'valid') return bytes;
    const i = at % bytes.length;
    if (how === 'cut') return bytes.subarray(0, i);
    bytes[i] = byte;
    return bytes;
  });

const recordBytes = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(fc.constantFrom(1, 1, 1, 2, 3, 4, -1), fc.uint8Array({ maxLength: 40 })).map(([id, payload]) => wire(id, payload)),
  avroPayload.map((payload) => wire(1, payload)),
  fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value))),
  nearValidText.map((text) => Buffer.from(text)),
);

/** decoders (json, string, bytes, avro) over arbitrary bytes, then extraction and conversion of what they yield. */
export async function fuzzDecoders(options: FuzzOptions): Promise<void> {
  const avroSchemas = createAvroSchemas(new FuzzRegistry());
  const decoders = new Map<RecordFormat, ReturnType<typeof createDecoder>>(
    (['json', 'string', 'bytes', 'avro'] as const).map((format) => [format, createDecoder(format, { what: 'value', avroSchemas })]),
  );
  const defaults = codecSettingsSchema.parse({});
  const record = {
    topic: 't',
    partition: 0,
    offset: '0',
    timestamp: 0,
    timestampType: 'CREATE_TIME' as const,
    key: null,
    value: null,
    headers: [],
  };
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<RecordFormat>('json', 'string', 'bytes', 'avro'),
      fc.option(recordBytes, { nil: null, freq: 20 }),
      fc.array(
        fc.constantFrom(
          'id',
          'n',
          's',
          'raw',
          'opt',
          'tags',
          'attrs',
          'amount',
          'when',
          'day',
          'at',
          'nested',
          'x',
          '0',
          'a',
          'key',
          'value',
        ),
        { maxLength: 3 },
      ),
      cqlType,
      async (format, bytes, path, type) => {
        const decode = decoders.get(format);
        if (decode === undefined) throw new Error(`no decoder for ${format}`);
        const decoded = await typedOutcomeAsync(() => decode(bytes));
        if (decoded instanceof SinkError) return;
        // What the decoder yields flows into extraction and conversion: both must stay typed too.
        const extracted = typedOutcome(() =>
          compileExtractor({ kind: 'value', path }, { headerBytes: false, now: 'timeuuid' })({ record, key: null, value: decoded }),
        );
        if (extracted instanceof SinkError || typeof extracted === 'symbol') return;
        typedOutcome(() => makeConverter(type, defaults)(extracted, { column: 'col' }));
      },
    ),
    parameters(options),
  );
}

const validConfig = fc.record({
  connection: fc.constant({ profile: 'cassandra', contactPoints: ['127.0.0.1'], localDataCenter: 'dc1' }),
  topics: fc.dictionary(
    fc.stringMatching(/^[a-z][a-z0-9._-]{0,8}$/),
    fc.record({
      valueFormat: fc.constantFrom('json', 'string', 'bytes'),
      tables: fc.dictionary(fc.constantFrom('ks.t', 'ks."T"', 'a.b'), fc.record({ mapping: validMappingText }), { minKeys: 1, maxKeys: 2 }),
    }),
    { minKeys: 1, maxKeys: 2 },
  ),
});

/** parseSinkConfig over any JSON and near-valid configs, loadSinkConfig over any text. */
export function fuzzConfig(options: FuzzOptions): void {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.jsonValue().map((value) => ({ kind: 'object' as const, value })),
        validConfig.map((value) => ({ kind: 'object' as const, value })),
        fc
          .tuple(validConfig, fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('mapping', 'query', 'ttl', 'codec', 'keyFormat'))
          .map(([config, junk, field]) => {
            const topic = Object.values(config.topics)[0] as Record<string, unknown> | undefined;
            const table =
              topic === undefined ? undefined : (Object.values(topic.tables as object)[0] as Record<string, unknown> | undefined);
            if (field === 'codec' || field === 'keyFormat') {
              if (topic !== undefined) topic[field] = junk;
            } else if (table !== undefined) table[field] = junk;
            return { kind: 'object' as const, value: config };
          }),
        fc
          .oneof(
            fc.string(),
            nearValidText,
            fc.jsonValue().map((value) => JSON.stringify(value)),
          )
          .map((value) => ({ kind: 'text' as const, value })),
      ),
      (input) => {
        const outcome = typedOutcome(() =>
          input.kind === 'text' ? loadSinkConfig(input.value, 'fuzz.yaml') : parseSinkConfig(input.value),
        );
        if (outcome instanceof SinkError && outcome.kind !== 'config')
          throw new Error(`a config error must be a ConfigError, got ${outcome.name}`);
      },
    ),
    parameters(options),
  );
}

export interface FuzzTarget {
  readonly name: string;
  /** Share of the total runs this target gets. */
  readonly weight: number;
  readonly run: (options: FuzzOptions) => void | Promise<void>;
}

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  { name: 'event decoder', weight: 2, run: fuzzEventDecoder },
  { name: 'mapping parser', weight: 2, run: fuzzMappingParser },
  { name: 'CQL type parser', weight: 1, run: fuzzCqlTypeParser },
  { name: 'converters', weight: 4, run: fuzzConverters },
  { name: 'decoders', weight: 2, run: fuzzDecoders },
  { name: 'config', weight: 1, run: fuzzConfig },
];
