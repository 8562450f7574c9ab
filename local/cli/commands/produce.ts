import { endpoints } from '../../services/index.js';
import { ensureTopic, produceDemo } from '../../runner/kafka.js';
import { integerOf, listOf, stringOf, type Command, type Io, type Values } from '../command.js';

export const produceCommand: Command = {
  name: 'produce',
  summary: 'Produce demo order records for config/example.sink.yaml: JSON orders keyed by order id, a few poison ones and a few tombstones.',
  usage: 'kafka-cql-sink produce [--count <n>] [--poison <n>] [--tombstones <n>] [--topic <name>] [--bootstrap-servers <list>]',
  description: [
    'Poison records can never be written (an amount that is not a number, an order id that is not a uuid, a',
    'created_at that is not a timestamp): the sink dead-letters them. Each tombstone deletes an order produced',
    'earlier in the same run from shop.orders_by_id. The topic is created (3 partitions) if it does not exist.',
  ].join('\n'),
  options: {
    count: { type: 'string', short: 'n', value: '<n>', description: 'Records in all.', default: '1000' },
    poison: { type: 'string', value: '<n>', description: 'Poison records among them (default about 1 in 50).' },
    tombstones: { type: 'string', value: '<n>', description: 'Tombstones among them (default about 1 in 50).' },
    topic: { type: 'string', short: 't', value: '<name>', description: 'Topic.', default: 'orders' },
    'bootstrap-servers': { type: 'string', short: 'b', value: '<host:port,…>', description: 'Kafka brokers.', env: 'KAFKA_BOOTSTRAP_SERVERS', default: endpoints.kafka },
    seed: { type: 'string', value: '<n>', description: 'Seed of the generator (same seed, same records).' },
  },
  examples: ['npm run produce -- --count 10000', 'npm run produce -- --count 100 --poison 5 --tombstones 5'],
  run: produce,
};

async function produce(values: Values, _positionals: readonly string[], io: Io): Promise<number> {
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
  io.out(`produced ${String(summary.records.length)} records to ${topic} (${String(summary.orders)} orders, ${String(summary.poison)} poison, ${String(summary.tombstones)} tombstones) in ${String(summary.ms)} ms, ${String(rate)} rec/s`);
  return 0;
}
