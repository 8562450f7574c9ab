import { RuntimeVariable } from '../../../lambdas/contract/runtime-env.js';
import { endpoints } from '../../services/index.js';
import { readFileSync } from 'node:fs';
import { ensureTopic, produceRecords } from '../../../lambdas/adapters/kafka/index.js';
import { produceDemo } from '../../runner/demo-produce.js';
import { parseRecordLines } from '../../runner/record-file.js';
import { integerOf, listOf, stringOf, type Command, type Io, type Values } from '../command.js';

export const produceCommand: Command = {
  name: 'produce',
  summary: 'Produce your own records from a JSON-lines file (--file), or demo order records for config/example.sink.yaml.',
  usage:
    'kafka-cql-sink produce [--file <file|->] [--count <n>] [--poison <n>] [--tombstones <n>] [--topic <name>] [--bootstrap-servers <list>]',
  description: [
    '--file FILE (- for stdin): one JSON object a line, {"key", "value", "headers", "timestamp", "partition"}, all optional:',
    'a string key or value is sent as that text, any other JSON as its JSON text; a null or absent value is a tombstone;',
    "headers map names to text; timestamp is epoch ms or an ISO-8601 instant; partition defaults to the key's hash.",
    'Every line is checked first: a bad line (named by its number, field and value) means nothing is produced.',
    '',
    'Without --file it produces demo orders: JSON orders keyed by order id, a few poison ones and a few tombstones.',
    'Poison records can never be written (an amount that is not a number, an order id that is not a uuid, a',
    'created_at that is not a timestamp): the sink dead-letters them. Each tombstone deletes an order produced',
    'earlier in the same run from shop.orders_by_id. The topic is created (3 partitions) if it does not exist.',
  ].join('\n'),
  options: {
    file: { type: 'string', short: 'f', value: '<file|->', description: 'Your records, JSON lines (- reads stdin).' },
    count: { type: 'string', short: 'n', value: '<n>', description: 'Demo records in all.', default: '1000' },
    poison: { type: 'string', value: '<n>', description: 'Poison records among them (default about 1 in 50).' },
    tombstones: { type: 'string', value: '<n>', description: 'Tombstones among them (default about 1 in 50).' },
    topic: { type: 'string', short: 't', value: '<name>', description: 'Topic.', default: 'orders' },
    'bootstrap-servers': {
      type: 'string',
      short: 'b',
      value: '<host:port,…>',
      description: 'Kafka brokers.',
      env: RuntimeVariable.kafkaBootstrapServers,
      default: endpoints.kafka,
    },
    seed: { type: 'string', value: '<n>', description: 'Seed of the generator (same seed, same records).' },
  },
  examples: [
    'npm run produce -- --count 10000',
    'npm run produce -- --count 100 --poison 5 --tombstones 5',
    'npm run cli -- produce --topic orders --file my-records.jsonl',
    `echo '{"key":"k1","value":{"id":1},"headers":{"source":"me"}}' | npm run cli -- produce --topic orders --file -`,
  ],
  run: produce,
};

async function produce(values: Values, _positionals: readonly string[], io: Io): Promise<number> {
  const file = stringOf(values, 'file');
  if (file !== undefined) return produceFile(values, file, io);
  const count = integerOf(values, 'count', 0) ?? 1000;
  const poison = integerOf(values, 'poison', 0);
  const tombstones = integerOf(values, 'tombstones', 0);
  const seed = integerOf(values, 'seed', 0);
  const topic = stringOf(values, 'topic') ?? 'orders';
  const servers = listOf(values, 'bootstrap-servers') ?? [endpoints.kafka];
  if (await ensureTopic(servers, topic, 3)) io.out(`created topic ${topic} with 3 partitions`);
  const summary = await produceDemo(servers, topic, {
    count,
    ...(poison === undefined ? {} : { poison }),
    ...(tombstones === undefined ? {} : { tombstones }),
    ...(seed === undefined ? {} : { seed }),
  });
  const rate = summary.ms > 0 ? Math.round((summary.records.length * 1000) / summary.ms) : summary.records.length;
  io.out(
    `produced ${String(summary.records.length)} records to ${topic} (${String(summary.orders)} orders, ${String(summary.poison)} poison, ${String(summary.tombstones)} tombstones) in ${String(summary.ms)} ms, ${String(rate)} rec/s`,
  );
  return 0;
}

async function produceFile(values: Values, file: string, io: Io): Promise<number> {
  const topic = stringOf(values, 'topic') ?? 'orders';
  const servers = listOf(values, 'bootstrap-servers') ?? [endpoints.kafka];
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const records = parseRecordLines(text, file === '-' ? 'stdin' : file);
  if (await ensureTopic(servers, topic, 3)) io.out(`created topic ${topic} with 3 partitions`);
  await produceRecords(servers, topic, records);
  const tombstones = records.filter((record) => record.value === undefined).length;
  io.out(`produced ${String(records.length)} records to ${topic} (${String(tombstones)} tombstones) from ${file === '-' ? 'stdin' : file}`);
  return 0;
}
