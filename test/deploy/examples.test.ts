import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { localstackResourceTypes } from '../../local/services/localstack.js';
import { EXAMPLES, loadExample, synth } from '../infra/support/synth.js';
import { cdk, type Target } from './support/cdk.js';
import { checkResourcesExist, clients, describeStack, type Clients } from './support/checks.js';
import { writeLocalstackAssembly } from './support/localstack-assembly.js';
import { danglingImports, danglingReferences } from './support/localstack-transform.js';
import { redrive, type SentMessage } from './support/redrive.js';

/**
 * Every example deployment config (the default, msk-keyspaces.yaml, among them) is synthesized,
 * made deployable on LocalStack by the transform (functions, Kafka mappings and the types LocalStack
 * has no provider for are removed, with whatever refers to them), and deployed by the real `cdk`
 * CLI: bootstrap, asset publishing, change sets. The functions are synthesized from a fixture
 * handler: they are removed before the deploy, and bundling the real ones only costs time.
 */
const examples = readdirSync(EXAMPLES)
  .filter((file) => file.endsWith('.yaml') && !file.startsWith('sink.'))
  .sort();
const targetOf = (example: string): Target => {
  const { env } = loadExample(example).deploy;
  return { account: env.account, region: env.region };
};
const workDir = mkdtempSync(path.join(tmpdir(), 'kafka-cql-sink-deploy-'));

// What dead-lettered records look like in the DLQ (the mapping's on-failure metadata, the sink's own
// record), plus text that a careless copy would mangle: each must arrive unchanged.
const deadLetters: readonly SentMessage[] = [
  {
    body: JSON.stringify({
      requestContext: { condition: 'RetryAttemptsExhausted' },
      KafkaBatchInfo: { recordsInfo: { 'orders-0': { firstRecordOffset: '41', lastRecordOffset: '42' } } },
    }),
    attributes: { source: 'event-source-mapping' },
  },
  {
    body: JSON.stringify({ topic: 'orders', partition: 2, offset: '7', error: 'value.amount: "x" is not a decimal' }),
    attributes: { source: 'sink', reason: 'mapping' },
  },
  { body: 'naïve ☃ 𝄞 \t"quoted" <xml/> & \\ trailing space ', attributes: { source: 'operator' } },
];

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

describe('cdk deploy of every example on LocalStack', () => {
  beforeAll(async () => {
    const targets = new Map(
      examples.map((example) => {
        const target = targetOf(example);
        return [`${target.account}/${target.region}`, target];
      }),
    );
    for (const target of targets.values()) await cdk(['bootstrap', `aws://${target.account}/${target.region}`], target, workDir);
  }, 300_000);

  it('covers the default deployment config', () => {
    expect(examples).toContain('msk-keyspaces.yaml');
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  describe.concurrent.each(examples)('%s', (example) => {
    it('deploys, creates every remaining resource, and redrives the DLQ to the replay queue', async () => {
      const target = targetOf(example);
      const aws: Clients = clients(target);
      const assemblyDir = path.join(workDir, example.replace(/\.yaml$/, ''));
      const assembly = writeLocalstackAssembly(synth(loadExample(example)).outdir, assemblyDir, {
        supportedTypes: localstackResourceTypes(),
      });

      for (const stack of assembly.stacks) expect(danglingReferences(stack.template), stack.stackName).toEqual([]);
      expect(danglingImports(Object.fromEntries(assembly.stacks.map((stack) => [stack.stackName, stack.template])))).toEqual([]);
      expect(assembly.removals.filter((removal) => removal.type === 'AWS::Lambda::Function').length).toBeGreaterThanOrEqual(2);

      await cdk(['deploy', '--app', assemblyDir, '--all', '--require-approval', 'never', '--progress', 'events'], target, workDir);

      const checked = new Map<string, string[]>();
      for (const stack of assembly.stacks) {
        const deployed = await describeStack(aws, stack.stackName);
        expect(deployed.status, stack.stackName).toBe('CREATE_COMPLETE');
        expect(deployed.fallbacks, `${stack.stackName}: resources LocalStack only pretended to create`).toEqual([]);
        expect(deployed.resources.map((resource) => resource.LogicalResourceId).sort()).toEqual(
          Object.keys(stack.template.Resources ?? {}).sort(),
        );
        expect(deployed.resources.filter((resource) => resource.ResourceStatus !== 'CREATE_COMPLETE')).toEqual([]);
        checked.set(stack.artifactId, await checkResourcesExist(aws, deployed.resources));
      }

      const sinkStack = assembly.stacks.find((stack) => stack.artifactId === 'Sink');
      if (sinkStack === undefined) throw new Error(`${example}: no Sink stack in the assembly`);
      const sink = await describeStack(aws, sinkStack.stackName);
      const typesChecked = (checked.get('Sink') ?? []).map((line) => line.split(' ')[0]);
      for (const type of [
        'AWS::SQS::Queue',
        'AWS::KMS::Key',
        'AWS::CloudWatch::Alarm',
        'AWS::Logs::LogGroup',
        'AWS::S3::Bucket',
        'AWS::IAM::Role',
      ]) {
        expect(typesChecked, `${example}: a ${type} was deployed and found`).toContain(type);
      }
      if (loadExample(example).deploy.connectionSecret.mode === 'create') expect(typesChecked).toContain('AWS::SecretsManager::Secret');

      // The dead-letter pair as the operator meets it: the replay queue's failures go to the DLQ,
      // and the DLQ accepts redrives from the replay queue only; both encrypted with the stack's key.
      const dlqUrl = sink.outputs.DeadLetterQueueUrl ?? '';
      const replayArn = sink.outputs.ReplayQueueArn ?? '';
      const queues = await Promise.all(
        sink.resources
          .filter((resource) => resource.ResourceType === 'AWS::SQS::Queue')
          .map(async (resource) => {
            const url = resource.PhysicalResourceId ?? '';
            const { Attributes = {} } = await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
            return { url, attributes: Attributes };
          }),
      );
      const replayQueue = queues.find((queue) => queue.attributes.QueueArn === replayArn);
      if (replayQueue === undefined) throw new Error(`${example}: no queue of the stack has the ReplayQueueArn output ${replayArn}`);
      const replayUrl = replayQueue.url;
      const replay = replayQueue.attributes;
      const { Attributes: dlq = {} } = await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['All'] }));
      expect(JSON.parse(replay.RedrivePolicy ?? '{}')).toMatchObject({ deadLetterTargetArn: dlq.QueueArn });
      expect(JSON.parse(dlq.RedriveAllowPolicy ?? '{}')).toEqual({ redrivePermission: 'byQueue', sourceQueueArns: [replayArn] });
      const keyId = sink.resources.find((resource) => resource.ResourceType === 'AWS::KMS::Key')?.PhysicalResourceId ?? 'no key';
      expect(dlq.KmsMasterKeyId).toContain(keyId);
      expect(replay.KmsMasterKeyId).toContain(keyId);

      const moved = await redrive(aws, { url: dlqUrl, arn: dlq.QueueArn ?? '' }, { url: replayUrl, arn: replayArn }, deadLetters);
      expect(moved.status).toBe('COMPLETED');
      expect(moved.moved).toBe(deadLetters.length);
      expect(moved.leftInSource).toBe(0);
      const arrived = moved.received.map((message) => ({
        body: message.Body,
        md5: message.MD5OfBody,
        attributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue])),
      }));
      expect(arrived.sort((a, b) => (a.body ?? '').localeCompare(b.body ?? ''))).toEqual(
        deadLetters
          .map((sent) => ({ body: sent.body, md5: md5(sent.body), attributes: sent.attributes }))
          .sort((a, b) => a.body.localeCompare(b.body)),
      );

      await cdk(['destroy', '--app', assemblyDir, '--all', '--force'], target, workDir);
      for (const stack of assembly.stacks) {
        const remaining = await aws.cloudFormation.send(new DescribeStacksCommand({ StackName: stack.stackName })).then(
          (result) => result.Stacks?.[0]?.StackStatus ?? 'gone',
          () => 'gone',
        );
        expect(['gone', 'DELETE_COMPLETE'], stack.stackName).toContain(remaining);
      }
    }, 600_000);
  });
});
