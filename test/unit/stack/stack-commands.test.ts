import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { StackClients } from '../../../local/stack/clients.js';
import { setMappingsEnabled } from '../../../local/stack/enable.js';
import { waitForRedrive, type RedriveProgress } from '../../../local/stack/redrive.js';
import { describeMapping, formatStatus, type SinkStatus } from '../../../local/stack/status.js';

/**
 * What the emulators cannot show: a Kafka mapping's fields (topic, consumer group, provisioned
 * pollers), a state that takes a while to settle, and a move task that fails. The AWS clients are
 * replaced by small scripted fakes of the calls these modules make.
 */
const kafkaMapping: EventSourceMappingConfiguration = {
  UUID: 'a1b2c3d4-0000-4000-8000-000000000001',
  FunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-sink-Sink',
  EventSourceArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/orders/abc',
  Topics: ['orders'],
  AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'orders-sink-orders' },
  ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 4 },
  BatchSize: 500,
  State: 'Enabled',
  StateTransitionReason: 'USER_INITIATED',
  LastProcessingResult: 'OK',
};

function scripted(commands: Record<string, (input: Record<string, unknown>) => unknown>): { clients: StackClients; calls: string[] } {
  const calls: string[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      calls.push(`${name} ${JSON.stringify(command.input)}`);
      const answer = commands[name];
      if (answer === undefined) return Promise.reject(new Error(`unexpected ${name}`));
      return Promise.resolve(answer(command.input));
    },
  };
  return {
    calls,
    clients: {
      lambda: client,
      sqs: client,
      cloudFormation: client,
      cloudWatch: client,
      destroy: () => undefined,
    } as unknown as StackClients,
  };
}

describe('status of a Kafka mapping', () => {
  it('shows topic, consumer group, pollers, state, reason and last result', () => {
    const mapping = describeMapping(kafkaMapping);
    expect(mapping).toEqual({
      uuid: kafkaMapping.UUID,
      topic: 'orders',
      consumerGroup: 'orders-sink-orders',
      state: 'Enabled',
      stateTransitionReason: 'USER_INITIATED',
      lastProcessingResult: 'OK',
      pollers: { min: 1, max: 4 },
      batchSize: 500,
    });
    const status: SinkStatus = {
      target: 'stack orders-sink',
      functionName: 'orders-sink-Sink',
      mappings: [
        mapping,
        describeMapping({
          ...kafkaMapping,
          Topics: ['payments'],
          SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'g2' },
          AmazonManagedKafkaEventSourceConfig: undefined,
          State: 'Disabled',
          LastProcessingResult: undefined,
        }),
      ],
      offsetLag: null,
      deadLetterQueue: { url: 'https://sqs/dlq', messages: 3, inFlight: 1, oldestMessageAgeSeconds: null },
      replayQueue: null,
    };
    const text = formatStatus(status).join('\n');
    expect(text).toContain('mapping a1b2c3d4-0000-4000-8000-000000000001  topic orders  group orders-sink-orders');
    expect(text).toContain('state Enabled (USER_INITIATED); last processing result: OK');
    expect(text).toContain('pollers 1..4; batch size 500');
    expect(text).toContain('topic payments  group g2');
    expect(text).toContain('state Disabled (USER_INITIATED); last processing result: none');
    expect(text).toContain('OffsetLag (worst topic): no data in the last 15 minutes');
    expect(text).toContain('dead-letter queue: 3 waiting, 1 in flight; oldest message age n/a (no CloudWatch datapoint)');
    expect(text).toContain('replay queue: n/a (give --stack to see it)');
  });
});

describe('pause', () => {
  it('waits through Disabling until Disabled, and leaves a mapping already Disabled alone', async () => {
    const states = ['Disabling', 'Disabling', 'Disabled'];
    const { clients, calls } = scripted({
      UpdateEventSourceMappingCommand: () => ({ State: 'Disabling' }),
      GetEventSourceMappingCommand: () => ({ State: states.shift() ?? 'Disabled' }),
    });
    const lines: string[] = [];
    const outcomes = await setMappingsEnabled(clients, [kafkaMapping, { ...kafkaMapping, UUID: 'already', State: 'Disabled' }], {
      enabled: false,
      timeoutMs: 10_000,
      pollMs: 1,
      log: (line) => {
        lines.push(line);
      },
    });
    expect(outcomes.map((o) => [o.uuid, o.from, o.state, o.changed, o.settled])).toEqual([
      [kafkaMapping.UUID, 'Enabled', 'Disabled', true, true],
      ['already', 'Disabled', 'Disabled', false, true],
    ]);
    expect(calls.filter((call) => call.startsWith('Update'))).toEqual([
      `UpdateEventSourceMappingCommand {"UUID":"${String(kafkaMapping.UUID)}","Enabled":false}`,
    ]);
    expect(lines).toEqual([
      `mapping ${String(kafkaMapping.UUID)} (orders): Enabled → Disabling`,
      'mapping already (orders): already Disabled',
      `mapping ${String(kafkaMapping.UUID)} (orders): Disabled`,
    ]);
  });

  it('reports a mapping that does not settle within the timeout', async () => {
    const { clients } = scripted({
      UpdateEventSourceMappingCommand: () => ({ State: 'Enabling' }),
      GetEventSourceMappingCommand: () => ({ State: 'Enabling' }),
    });
    const [outcome] = await setMappingsEnabled(clients, [{ ...kafkaMapping, State: 'Disabled' }], {
      enabled: true,
      timeoutMs: 20,
      pollMs: 5,
    });
    expect(outcome).toMatchObject({ state: 'Enabling', settled: false, changed: true });
  });
});

describe('redrive progress', () => {
  const source = { url: 'https://sqs/dlq', arn: 'arn:aws:sqs:eu-west-1:123456789012:orders-sink-dlq' };

  it('reports each change until the task fails, with the reason', async () => {
    const answers = [
      { TaskHandle: 't1', Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 0, ApproximateNumberOfMessagesToMove: 10 },
      { TaskHandle: 't1', Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 0, ApproximateNumberOfMessagesToMove: 10 },
      { TaskHandle: 't1', Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 4, ApproximateNumberOfMessagesToMove: 10 },
      {
        TaskHandle: 't1',
        Status: 'FAILED',
        ApproximateNumberOfMessagesMoved: 4,
        ApproximateNumberOfMessagesToMove: 10,
        FailureReason: 'AccessDenied',
      },
    ];
    const { clients } = scripted({
      ListMessageMoveTasksCommand: () => ({ Results: [{ TaskHandle: 'older', Status: 'COMPLETED' }, answers.shift()].reverse() }),
    });
    const seen: RedriveProgress[] = [];
    const final = await waitForRedrive(clients, source, 't1', {
      timeoutMs: 10_000,
      pollMs: 1,
      onProgress: (p) => {
        seen.push(p);
      },
    });
    expect(seen.map((p) => `${p.status} ${String(p.moved)}/${String(p.total)}`)).toEqual(['RUNNING 0/10', 'RUNNING 4/10', 'FAILED 4/10']);
    expect(final).toMatchObject({ status: 'FAILED', failureReason: 'AccessDenied', taskHandle: 't1' });
  });
});
