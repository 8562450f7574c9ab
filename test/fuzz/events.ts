import fc from 'fast-check';

/*
 * Near-valid Kafka event source mapping events: a valid event (as the ESM
 * sends it) with one mutation at a random place — a field removed, replaced
 * by any JSON value, or a record key changed.
 */

const base64 = fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const topicName = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);

const header = fc.dictionary(fc.string({ maxLength: 8 }), fc.array(fc.integer({ min: -128, max: 255 }), { maxLength: 6 }), { maxKeys: 2 });

interface EventRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: string;
  key?: string | null;
  value?: string | null;
  headers: Record<string, number[]>[];
  valueSchemaMetadata?: { dataFormat: string; schemaId: string };
}

const recordFor = (topic: string, partition: number): fc.Arbitrary<EventRecord> =>
  fc
    .record(
      {
        offset: fc.maxSafeNat(),
        timestamp: fc.integer({ min: -1, max: 4_102_444_800_000 }),
        timestampType: fc.constantFrom('CREATE_TIME', 'LOG_APPEND_TIME', 'NO_TIMESTAMP_TYPE'),
        key: fc.option(base64, { nil: null }),
        value: fc.option(base64, { nil: undefined }),
        headers: fc.array(header, { maxLength: 2 }),
        valueSchemaMetadata: fc.record({
          dataFormat: fc.constantFrom('AVRO', 'PROTOBUF', 'JSON'),
          schemaId: fc.string({ minLength: 1, maxLength: 8 }),
        }),
      },
      { requiredKeys: ['offset', 'timestamp', 'timestampType', 'headers'] },
    )
    .map((record) => ({ topic, partition, ...record }));

const partitionBatch = fc
  .tuple(topicName, fc.integer({ min: 0, max: 2_147_483_647 }))
  .chain(([topic, partition]) =>
    fc.tuple(fc.constant(`${topic}-${partition}`), fc.array(recordFor(topic, partition), { minLength: 1, maxLength: 3 })),
  );

export const validEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    eventSource: fc.constantFrom('aws:kafka', 'SelfManagedKafka'),
    eventSourceArn: fc.constant('arn:aws:kafka:us-east-1:123456789012:cluster/c/1'),
    bootstrapServers: fc.constant('b-1:9092,b-2:9092'),
    records: fc.array(partitionBatch, { minLength: 1, maxLength: 3 }).map((entries) => Object.fromEntries(entries)),
  })
  .map((event) => JSON.parse(JSON.stringify(event)) as Record<string, unknown>);

/** Every path to a value inside a JSON tree, the root excluded. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => {
      out.push([...prefix, index]);
      paths(item, [...prefix, index], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      paths(item, [...prefix, key], out);
    }
  }
  return out;
}

type Mutation = 'delete' | 'replace' | 'rename';

function mutate(event: Record<string, unknown>, pick: number, mutation: Mutation, replacement: unknown, newKey: string): unknown {
  const copy = structuredClone(event);
  const all = paths(copy);
  const path = all[pick % all.length];
  if (path === undefined) return copy;
  let parent: unknown = copy;
  for (const part of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[part];
  const last = path[path.length - 1] ?? '';
  const container = parent as Record<string | number, unknown>;
  if (mutation === 'delete') {
    if (Array.isArray(container) && typeof last === 'number') container.splice(last, 1);
    else Reflect.deleteProperty(container, last);
  } else if (mutation === 'rename' && !Array.isArray(container)) {
    container[newKey] = container[last];
    Reflect.deleteProperty(container, last);
  } else {
    container[last] = replacement;
  }
  return copy;
}

export const nearValidEvent: fc.Arbitrary<unknown> = fc
  .tuple(
    validEvent,
    fc.nat(),
    fc.constantFrom<Mutation>('delete', 'replace', 'replace', 'rename'),
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(-1, 2 ** 53, 1.5, '', 'x-1', 'topic-01', '=', 'AAA', null, 128, -129, 'NaN')),
    fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('t-0', 't-', '-0', 'a-b-1', 't-2147483648', 't-00', '__proto__')),
  )
  .map(([event, pick, mutation, replacement, newKey]) => mutate(event, pick, mutation, replacement, newKey));
