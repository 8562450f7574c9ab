import { RuntimeVariable } from '../../../lambdas/contract/runtime-env.js';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '../../../lambdas/composition/sink-runtime.js';
import { formatPeeked, peekDeadLetters, queueUrlOf } from '../../runner/dlq-peek.js';
import { LOCAL_NAMES, useLocalAws } from '../../runner/local-setup.js';
import { stackClients } from '../../stack/clients.js';
import { locateSink } from '../../stack/locate.js';
import { stackOption } from './stack-target.js';
import { integerOf, stringOf, UsageError, type Command, type Io, type Values } from '../command.js';

export const dlqCommand: Command = {
  name: 'dlq',
  summary: 'Look into a dead-letter queue: `dlq peek` shows its dead letters decoded, without deleting any.',
  usage: 'kafka-cql-sink dlq peek [--queue-url <url> | --stack <name> | --local] [--limit <n>] [--json]',
  description: [
    'Each dead letter: topic/partition/offset, write time, target tables, the error kind and message, and the key,',
    'value and headers as JSON when they are JSON, as text when they are UTF-8, else base64. Messages moved to S3',
    'for size are read from there. Messages are received with a visibility timeout of 0: they stay visible to a',
    "replay or a redrive the whole time, and nothing is deleted (each peek adds one to a message's receive count).",
    'AWS is whatever the environment says; --local uses the emulator and the local dead-letter queue.',
  ].join('\n'),
  positionals: true,
  options: {
    'queue-url': {
      type: 'string',
      value: '<url>',
      description: 'The dead-letter queue (the stack output DeadLetterQueueUrl).',
      env: RuntimeVariable.dlqUrl,
    },
    stack: { ...stackOption, description: 'The deployed sink stack: its dead-letter queue, from the stack outputs.' },
    local: { type: 'boolean', description: `Use the AWS emulator; the queue defaults to the local ${LOCAL_NAMES.dlq}.` },
    limit: { type: 'string', short: 'n', value: '<n>', description: 'Dead letters to show at most.', default: '10' },
    json: { type: 'boolean', description: 'One JSON object a line instead of text.' },
  },
  examples: [
    'npm run cli -- dlq peek --local',
    'kafka-cql-sink dlq peek --stack orders-sink --limit 20',
    'kafka-cql-sink dlq peek --queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/orders-sink-dlq --limit 50 --json',
  ],
  run: dlq,
};

async function dlq(values: Values, positionals: readonly string[], io: Io): Promise<number> {
  const [action, ...rest] = positionals;
  if (action !== 'peek' || rest.length > 0) throw new UsageError(`expected \`dlq peek\`, got ${JSON.stringify(positionals.join(' '))}`);
  const limit = integerOf(values, 'limit', 1, 10_000) ?? 10;
  if (values.local === true) useLocalAws();
  const env = process.env;
  // As the stack commands do: an emulator's endpoint wins over the host of a queue URL its CloudFormation handed out.
  const sqs = new SQSClient({
    ...awsClientConfig(env),
    useQueueUrlAsEndpoint: env.AWS_ENDPOINT_URL === undefined || env.AWS_ENDPOINT_URL === '',
  });
  const s3 = new S3Client(awsClientConfig(env));
  try {
    const given = stringOf(values, 'queue-url');
    const stack = stringOf(values, 'stack');
    if (given !== undefined && stack !== undefined) throw new UsageError('give --queue-url or --stack, not both');
    if (given === undefined && stack === undefined && values.local !== true)
      throw new UsageError('give --queue-url or --stack (or --local for the local dead-letter queue)');
    const queueUrl = given ?? (stack === undefined ? await queueUrlOf(sqs, LOCAL_NAMES.dlq) : await stackDeadLetterQueue(stack));
    const peeked = await peekDeadLetters(sqs, s3, queueUrl, { limit });
    if (values.json === true) for (const item of peeked) io.out(JSON.stringify(item));
    else {
      for (const item of peeked) io.out(formatPeeked(item).join('\n'));
      io.out(`${String(peeked.length)} message${peeked.length === 1 ? '' : 's'} shown from ${queueUrl}; none deleted`);
    }
    return 0;
  } finally {
    sqs.destroy();
    s3.destroy();
  }
}

async function stackDeadLetterQueue(stack: string): Promise<string> {
  const location = await locateSink(stackClients(process.env), { stack });
  if (location.deadLetterQueue === undefined) throw new Error(`stack ${JSON.stringify(stack)} has no DeadLetterQueueUrl output`);
  return location.deadLetterQueue.url;
}
