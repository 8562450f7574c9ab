import { setTimeout as sleep } from 'node:timers/promises';
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../local/cli/main.js';
import { localstackEndpoint } from '../../local/services/localstack.js';
import type { SinkStatus } from '../../local/stack/status.js';
import { captureIo } from '../support/capture-io.js';

/**
 * `redrive --stack` on LocalStack, whose SQS implements StartMessageMoveTask and
 * ListMessageMoveTasks (moto answers them with an error): a small CloudFormation stack with the
 * sink stack's dead-letter pair (the replay queue's redrive policy targets the DLQ) and its outputs
 * DeadLetterQueueUrl and ReplayQueueArn, created by LocalStack's CloudFormation. No function: LocalStack
 * creates none offline, so `status` shows no mappings here (test/integration/cli/stack-commands.test.ts
 * covers them on moto).
 */
const target = { account: '000000000000', region: 'us-east-1' };
const config = {
  endpoint: localstackEndpoint,
  region: target.region,
  credentials: { accessKeyId: target.account, secretAccessKey: 'localstack' },
};
const stackName = `cli-redrive-${Date.now().toString(36)}`;
const template = JSON.stringify({
  Resources: {
    Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${stackName}-dlq` } },
    ReplayQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${stackName}-replay`,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 3 },
      },
    },
  },
  // Without ReplayQueueUrl, as stacks deployed before that output: the URL is found from the ARN.
  Outputs: { DeadLetterQueueUrl: { Value: { Ref: 'Dlq' } }, ReplayQueueArn: { Value: { 'Fn::GetAtt': ['ReplayQueue', 'Arn'] } } },
});

describe('redrive --stack on LocalStack', () => {
  const cloudFormation = new CloudFormationClient(config);
  const sqs = new SQSClient(config);
  const saved = { ...process.env };
  const outputs: Record<string, string> = {};
  const depth = async (url: string): Promise<number> => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages);
  };

  beforeAll(async () => {
    // The CLI reads AWS from the environment, as it would for a real account.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: localstackEndpoint,
      AWS_REGION: target.region,
      AWS_ACCESS_KEY_ID: target.account,
      AWS_SECRET_ACCESS_KEY: 'localstack',
    });
    delete process.env.AWS_PROFILE;
    await cloudFormation.send(new CreateStackCommand({ StackName: stackName, TemplateBody: template }));
    let status = 'CREATE_IN_PROGRESS';
    for (const deadline = Date.now() + 120_000; status.endsWith('_IN_PROGRESS') && Date.now() < deadline;) {
      await sleep(1_000);
      const { Stacks: [stack] = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
      status = stack?.StackStatus ?? 'missing';
      for (const output of stack?.Outputs ?? []) outputs[output.OutputKey ?? ''] = output.OutputValue ?? '';
    }
    expect(status).toBe('CREATE_COMPLETE');
  }, 180_000);

  afterAll(async () => {
    await cloudFormation.send(new DeleteStackCommand({ StackName: stackName })).catch(() => undefined);
    cloudFormation.destroy();
    sqs.destroy();
    process.env = saved;
  });

  it('moves every dead letter into the replay queue and reports the progress until COMPLETED', async () => {
    const dlqUrl = outputs.DeadLetterQueueUrl ?? '';
    for (let i = 0; i < 6; i += 1) await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: `dead letter ${String(i)}` }));

    const before = captureIo();
    expect(await main(['status', '--stack', stackName, '--json'], before), before.stderr.join('\n')).toBe(0);
    const status = JSON.parse(before.stdout.join('\n')) as SinkStatus;
    expect(status.mappings).toEqual([]);
    expect(status.deadLetterQueue).toMatchObject({ url: dlqUrl, messages: 6 });
    expect(status.replayQueue?.url).toMatch(new RegExp(`/${stackName}-replay$`));
    expect(status.replayQueue?.messages).toBe(0);

    const io = captureIo();
    expect(await main(['redrive', '--stack', stackName, '--max-per-second', '2'], io), io.stderr.join('\n')).toBe(0);
    expect(io.stdout[0]).toBe(
      `redrive started: arn:aws:sqs:${target.region}:${target.account}:${stackName}-dlq → ${outputs.ReplayQueueArn ?? '?'} at most 2/s`,
    );
    expect(io.stdout[1]).toMatch(/^task \S+/);
    expect(io.stdout.at(-1)).toBe('COMPLETED: moved 6/6');
    expect(await depth(dlqUrl)).toBe(0);
    expect(await depth(status.replayQueue?.url ?? '')).toBe(6);
  });

  it('--no-wait starts the task and returns; the task still completes', async () => {
    const dlqUrl = outputs.DeadLetterQueueUrl ?? '';
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: 'one more' }));
    const io = captureIo();
    expect(await main(['redrive', '--stack', stackName, '--no-wait'], io), io.stderr.join('\n')).toBe(0);
    expect(io.stdout).toHaveLength(2);
    expect(io.stdout[1]).toMatch(/^task \S+/);
    let left = 1;
    for (const deadline = Date.now() + 60_000; left > 0 && Date.now() < deadline;) {
      await sleep(500);
      left = await depth(dlqUrl);
    }
    expect(left).toBe(0);
  });

  it('names a stack that is not a sink stack', async () => {
    const io = captureIo();
    expect(await main(['redrive', '--stack', `${stackName}-missing`], io)).toBe(1);
    expect(io.stderr[0]).toContain(`stack "${stackName}-missing" not found`);
  });
});
