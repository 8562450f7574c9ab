import { locateSink } from '../../stack/locate.js';
import { formatStatus, sinkStatus } from '../../stack/status.js';
import type { Command, Io, Values } from '../command.js';
import { AWS_NOTE, clientsFor, functionOption, localOption, selectorOf, stackOption } from './stack-target.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show a deployed sink: each Kafka event source mapping, OffsetLag, dead-letter and replay queue depth.',
  usage: 'kafka-cql-sink status (--stack <name> | --function <name>) [--json]',
  description: [
    'For each event source mapping of the sink function: state and why, last processing result, provisioned pollers',
    'min..max (or on demand), batch size, topic and consumer group. OffsetLag is the latest AWS/Lambda OffsetLag',
    'datapoint of the function (Maximum: the worst topic) of the last 15 minutes. The queues: messages waiting and in',
    'flight, and the latest CloudWatch ApproximateAgeOfOldestMessage. With --function the queues are not known.',
    AWS_NOTE,
  ].join('\n'),
  options: {
    stack: stackOption,
    function: functionOption,
    json: { type: 'boolean', description: 'One JSON object instead of text.' },
    local: localOption,
  },
  examples: ['kafka-cql-sink status --stack orders-sink', 'AWS_REGION=eu-west-1 kafka-cql-sink status --stack orders-sink --json'],
  run: status,
};

async function status(values: Values, _positionals: readonly string[], io: Io): Promise<number> {
  const selector = selectorOf(values);
  const aws = clientsFor(values);
  try {
    const result = await sinkStatus(aws, await locateSink(aws, selector));
    if (values.json === true) io.out(JSON.stringify(result));
    else for (const line of formatStatus(result)) io.out(line);
    return 0;
  } finally {
    aws.destroy();
  }
}
