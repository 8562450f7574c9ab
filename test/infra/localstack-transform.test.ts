import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeLocalstackAssembly, type LocalstackAssembly } from '../deploy/support/localstack-assembly.js';
import {
  danglingImports,
  danglingReferences,
  LOCALSTACK_UNSUPPORTED_TYPES,
  type CfnTemplate,
} from '../deploy/support/localstack-transform.js';
import { EXAMPLES, loadExample, synth } from './support/synth.js';

/**
 * The transform on the real example templates, without LocalStack: whatever is removed, nothing
 * may be left referring to it. Three removal sets: the default (functions and mappings), what
 * LocalStack 4.14 lacks a provider for, and a harsher one that also takes the KMS key and the
 * roles, so that queue, bucket, key and IAM policies all have to be pruned or removed.
 */
const examples = readdirSync(EXAMPLES)
  .filter((file) => file.endsWith('.yaml') && !file.startsWith('sink.'))
  .sort();
const withoutProvider = [
  'AWS::EC2::EIP',
  'AWS::EC2::FlowLog',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::CloudWatch::Dashboard',
  'AWS::MSK::*',
  'AWS::Cassandra::*',
];
const removalSets: Readonly<Record<string, readonly string[]>> = {
  default: LOCALSTACK_UNSUPPORTED_TYPES,
  localstack: [...LOCALSTACK_UNSUPPORTED_TYPES, ...withoutProvider],
  harsh: [...LOCALSTACK_UNSUPPORTED_TYPES, ...withoutProvider, 'AWS::KMS::Key', 'AWS::IAM::Role'],
};

describe.each(examples)('LocalStack transform of %s', (example) => {
  let outdir = '';
  beforeAll(() => {
    outdir = synth(loadExample(example)).outdir;
  });

  it.each(Object.keys(removalSets))('leaves no dangling reference with the %s removal set', (set) => {
    const target = mkdtempSync(path.join(tmpdir(), 'kafka-cql-sink-transform-'));
    const assembly: LocalstackAssembly = writeLocalstackAssembly(outdir, target, { removeTypes: removalSets[set] });
    for (const stack of assembly.stacks) expect(danglingReferences(stack.template), stack.stackName).toEqual([]);
    expect(danglingImports(Object.fromEntries(assembly.stacks.map((stack) => [stack.stackName, stack.template])))).toEqual([]);
    // What is written is what was checked.
    for (const stack of assembly.stacks) {
      const written = JSON.parse(readFileSync(path.join(target, `${stack.artifactId}.template.json`), 'utf8')) as CfnTemplate;
      expect(written).toEqual(stack.template);
    }
  });

  it('keeps the dead-letter pair, its key and policies, and the roles, and drops the functions’ code assets', () => {
    const target = mkdtempSync(path.join(tmpdir(), 'kafka-cql-sink-transform-'));
    const assembly = writeLocalstackAssembly(outdir, target, { removeTypes: removalSets.localstack });
    const sink = assembly.stacks.find((stack) => stack.artifactId === 'Sink')?.template;
    const types = Object.values(sink?.Resources ?? {}).map((resource) => resource.Type);
    expect(types.filter((type) => type === 'AWS::SQS::Queue')).toHaveLength(2);
    for (const type of [
      'AWS::KMS::Key',
      'AWS::SQS::QueuePolicy',
      'AWS::S3::Bucket',
      'AWS::IAM::Role',
      'AWS::IAM::Policy',
      'AWS::Logs::LogGroup',
      'AWS::CloudWatch::Alarm',
    ]) {
      expect(types, type).toContain(type);
    }
    expect(types).not.toContain('AWS::Lambda::Function');
    expect(Object.keys(sink?.Outputs ?? {})).toEqual(expect.arrayContaining(['DeadLetterQueueUrl', 'ReplayQueueArn']));
    const assets = JSON.parse(readFileSync(path.join(target, 'Sink.assets.json'), 'utf8')) as {
      files: Record<string, { source: { packaging?: string } }>;
    };
    expect(Object.values(assets.files).map((asset) => asset.source.packaging)).toEqual(['file']);
  });
});
