import { setTimeout as sleep } from 'node:timers/promises';
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetEventSourceMappingCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../local/cli/main.js';
import type { SinkStatus } from '../../../local/stack/status.js';
import { localAwsClientConfig, uniqueName } from '../../support/services.js';
import { captureIo } from '../../support/capture-io.js';

/**
 * status, pause and resume against event source mappings the AWS emulator (moto) really holds: a
 * CloudFormation stack shaped like the sink stack (sink and replay functions, DLQ, replay queue,
 * the same outputs), with two SQS-sourced mappings standing in for the Kafka ones, which no
 * emulator here creates. moto stores the functions without running them.
 */
const name = uniqueName('it-stack').replace(/_/g, '-');
const sinkFunctionName = `${name}-sink`;

function template(withNewOutputs: boolean): string {
  const fn = (functionName: string) => ({
    Type: 'AWS::Lambda::Function',
    Properties: {
      FunctionName: functionName,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
      Code: { ZipFile: 'exports.handler = async () => {};' },
    },
  });
  const mapping = (functionRef: string, queue: string, batchSize: number) => ({
    Type: 'AWS::Lambda::EventSourceMapping',
    Properties: { FunctionName: { Ref: functionRef }, EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] }, BatchSize: batchSize },
  });
  const suffix = withNewOutputs ? '' : '-old';
  return JSON.stringify({
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
        },
      },
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${name}${suffix}-dlq` } },
      ReplayQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${name}${suffix}-replay` } },
      OrdersStandIn: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${name}${suffix}-orders` } },
      PaymentsStandIn: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${name}${suffix}-payments` } },
      Sink: fn(`${sinkFunctionName}${suffix}`),
      Replay: fn(`${name}${suffix}-replay`),
      OrdersMapping: mapping('Sink', 'OrdersStandIn', 100),
      PaymentsMapping: mapping('Sink', 'PaymentsStandIn', 250),
      ReplayMapping: mapping('Replay', 'ReplayQueue', 10),
    },
    Outputs: {
      DeadLetterQueueUrl: { Value: { Ref: 'Dlq' } },
      ReplayQueueArn: { Value: { 'Fn::GetAtt': ['ReplayQueue', 'Arn'] } },
      ...(withNewOutputs ? { ReplayQueueUrl: { Value: { Ref: 'ReplayQueue' } }, SinkFunctionName: { Value: { Ref: 'Sink' } } } : {}),
    },
  });
}

const statusOf = async (args: readonly string[]): Promise<SinkStatus> => {
  const io = captureIo();
  expect(await main(['status', ...args, '--local', '--json'], io), io.stderr.join('\n')).toBe(0);
  return JSON.parse(io.stdout.join('\n')) as SinkStatus;
};

describe('status, pause and resume on the AWS emulator', () => {
  const cloudFormation = new CloudFormationClient(localAwsClientConfig);
  const lambda = new LambdaClient(localAwsClientConfig);
  const sqs = new SQSClient(localAwsClientConfig);
  const cloudWatch = new CloudWatchClient(localAwsClientConfig);
  const stacks = [name, `${name}-old`];
  const outputs: Record<string, string> = {};

  beforeAll(async () => {
    for (const [stack, withNewOutputs] of [
      [stacks[0], true],
      [stacks[1], false],
    ] as const) {
      await cloudFormation.send(
        new CreateStackCommand({ StackName: stack, TemplateBody: template(withNewOutputs), Capabilities: ['CAPABILITY_IAM'] }),
      );
    }
    for (const stack of stacks) {
      let status = 'CREATE_IN_PROGRESS';
      for (let tries = 0; status === 'CREATE_IN_PROGRESS' && tries < 60; tries += 1) {
        const { Stacks: [described] = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stack }));
        status = described?.StackStatus ?? 'missing';
        if (stack === name) for (const output of described?.Outputs ?? []) outputs[output.OutputKey ?? ''] = output.OutputValue ?? '';
        if (status === 'CREATE_IN_PROGRESS') await sleep(500);
      }
      expect(status, stack).toBe('CREATE_COMPLETE');
    }
  });

  afterAll(async () => {
    for (const stack of stacks) await cloudFormation.send(new DeleteStackCommand({ StackName: stack })).catch(() => undefined);
    for (const client of [cloudFormation, lambda, sqs, cloudWatch]) client.destroy();
  });

  it('status shows each mapping of the sink function, its OffsetLag and the queues', async () => {
    const dlqUrl = outputs.DeadLetterQueueUrl ?? '';
    for (const body of ['one', 'two', 'three']) await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: body }));
    const now = new Date();
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/Lambda',
        MetricData: [
          { MetricName: 'OffsetLag', Dimensions: [{ Name: 'FunctionName', Value: sinkFunctionName }], Value: 1234, Timestamp: now },
        ],
      }),
    );
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/SQS',
        MetricData: [
          {
            MetricName: 'ApproximateAgeOfOldestMessage',
            Dimensions: [{ Name: 'QueueName', Value: `${name}-dlq` }],
            Value: 95,
            Timestamp: now,
          },
        ],
      }),
    );

    const status = await statusOf(['--stack', name]);
    expect(status.target).toBe(`stack ${name}`);
    expect(status.functionName).toBe(sinkFunctionName);
    // The replay function's mapping is not the sink's: it is not listed.
    expect(status.mappings.map((m) => [m.topic.split(':').at(-1), m.state, m.batchSize]).sort()).toEqual([
      [`${name}-orders`, 'Enabled', 100],
      [`${name}-payments`, 'Enabled', 250],
    ]);
    expect(status.offsetLag?.value).toBe(1234);
    expect(status.deadLetterQueue).toMatchObject({ url: dlqUrl, messages: 3, inFlight: 0, oldestMessageAgeSeconds: { value: 95 } });
    expect(status.replayQueue).toMatchObject({ url: outputs.ReplayQueueUrl, messages: 0, oldestMessageAgeSeconds: null });

    const text = captureIo();
    expect(await main(['status', '--stack', name, '--local'], text)).toBe(0);
    const shown = text.stdout.join('\n');
    expect(shown).toContain(`stack ${name} (sink function ${sinkFunctionName})`);
    expect(shown).toMatch(/state Enabled \(User initiated\); last processing result: none/);
    expect(shown).toContain('pollers on demand; batch size 250');
    expect(shown).toMatch(/OffsetLag \(worst topic\): 1234 at /);
    expect(shown).toMatch(/dead-letter queue: 3 waiting, 0 in flight; oldest message age 95 s at /);
    expect(shown).toContain('replay queue: 0 waiting, 0 in flight; oldest message age n/a (no CloudWatch datapoint)');

    // dlq peek finds the stack's dead-letter queue from its outputs; peeking deletes nothing.
    const peek = captureIo();
    expect(await main(['dlq', 'peek', '--stack', name, '--local', '--json'], peek)).toBe(0);
    expect(peek.stdout.map((line) => (JSON.parse(line) as { kind?: string }).kind)).toEqual(['unreadable', 'unreadable', 'unreadable']);
    expect((await statusOf(['--stack', name])).deadLetterQueue).toMatchObject({ messages: 3 });
  });

  it('status of a stack without the SinkFunctionName output finds the mappings among its resources', async () => {
    const status = await statusOf(['--stack', `${name}-old`]);
    expect(status.mappings.map((m) => m.topic.split(':').at(-1)).sort()).toEqual([`${name}-old-orders`, `${name}-old-payments`]);
    expect(status.functionName).toBe(`${sinkFunctionName}-old`);
    expect(status.replayQueue?.url).toMatch(new RegExp(`/${name}-old-replay$`));
  });

  it('pause disables every mapping of the sink and only those; resume enables them, by topic or all', async () => {
    const sinkMappings = async () =>
      (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: sinkFunctionName }))).EventSourceMappings ?? [];
    const replayState = async () =>
      (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: `${name}-replay` }))).EventSourceMappings?.map((m) => m.State);

    const paused = captureIo();
    expect(await main(['pause', '--stack', name, '--local', '--timeout', '30'], paused), paused.stderr.join('\n')).toBe(0);
    expect(paused.stdout[0]).toBe(`pausing 2 mappings of stack ${name}`);
    expect(paused.stdout).toContain('all 2 Disabled');
    expect(paused.stdout.at(-1)).toMatch(/^note: .*eventSource\.enabled.*only when its value changes/);
    expect((await sinkMappings()).map((m) => m.State)).toEqual(['Disabled', 'Disabled']);
    expect(await replayState()).toEqual(['Enabled']);

    const orders = (await sinkMappings()).find((m) => m.EventSourceArn?.endsWith(`:${name}-orders`));
    const one = captureIo();
    expect(await main(['resume', '--stack', name, '--local', '--topic', orders?.EventSourceArn ?? '?'], one), one.stderr.join('\n')).toBe(
      0,
    );
    expect(one.stdout).toContain('all 1 Enabled');
    const states = await Promise.all(
      (await sinkMappings()).map(async (m) => [
        m.EventSourceArn?.split(':').at(-1),
        (await lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID }))).State,
      ]),
    );
    expect(states.sort()).toEqual([
      [`${name}-orders`, 'Enabled'],
      [`${name}-payments`, 'Disabled'],
    ]);

    const rest = captureIo();
    expect(await main(['resume', '--function', sinkFunctionName, '--local'], rest), rest.stderr.join('\n')).toBe(0);
    expect(rest.stdout.join('\n')).toMatch(/already Enabled/);
    expect(rest.stdout.join('\n')).toMatch(/Disabled → Enabled/);
    expect((await sinkMappings()).map((m) => m.State)).toEqual(['Enabled', 'Enabled']);

    const byFunction = await statusOf(['--function', sinkFunctionName]);
    expect(byFunction.mappings).toHaveLength(2);
    expect(byFunction.deadLetterQueue).toBeNull();
  });

  it('names an unknown topic and a missing stack', async () => {
    const topic = captureIo();
    expect(await main(['pause', '--stack', name, '--local', '--topic', 'nope'], topic)).toBe(1);
    expect(topic.stderr[0]).toMatch(new RegExp(`^no event source mapping of stack ${name} reads "nope"; its topics: arn:aws:sqs:`));
    const missing = captureIo();
    expect(await main(['status', '--stack', `${name}-missing`, '--local'], missing)).toBe(1);
    expect(missing.stderr[0]).toContain(`stack "${name}-missing" not found`);
  });
});
