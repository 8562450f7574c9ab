import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { grantsOf, resourceOf } from './support/resources.js';
import { loadExample, synth } from './support/synth.js';

// MSK with IAM access control into Cassandra, existing VPC, created credentials secret.
const synthesized = synth(loadExample('msk-cassandra.yaml'));
const template = synthesized.templates.Sink;
if (template === undefined) throw new Error('no Sink stack');
const sink = resourceOf(template, 'AWS::Lambda::Function', 'Kafka batches to CQL writes');
const replay = resourceOf(template, 'AWS::Lambda::Function', 'replays dead-lettered records');
const clusterArn = 'arn:aws:kafka:eu-west-1:123456789012:cluster/orders/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-2';

describe('msk + cassandra: sink function', () => {
  it('runs Node.js 22 on ARM64 with the deployment settings', () => {
    expect(sink.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 60,
      ReservedConcurrentExecutions: 50,
      Handler: 'index.handler',
    });
  });

  it('reads the bundled sink config and enables source maps', () => {
    const anything: unknown = expect.anything();
    expect(sink.Properties.Environment).toMatchObject({
      Variables: { SINK_CONFIG_FILE: '/var/task/sink-config.json', NODE_OPTIONS: '--enable-source-maps', DLQ_URL: anything },
    });
  });

  it('runs in the given subnets with the given security group', () => {
    expect(sink.Properties.VpcConfig).toEqual({
      SubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a60718'],
      SecurityGroupIds: ['sg-0a1b2c3d4e5f60718'],
    });
  });

  it('keeps logs 30 days in its own log groups', () => {
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 2);
  });
});

describe('msk + cassandra: event source mapping', () => {
  const mapping = resourceOf(template, 'AWS::Lambda::EventSourceMapping', clusterArn);

  it('polls with provisioned pollers and reports partial batch failures', () => {
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: clusterArn,
      Topics: ['orders'],
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 1,
      StartingPosition: 'TRIM_HORIZON',
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 20 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10_000,
      MaximumRecordAgeInSeconds: 259_200,
      BisectBatchOnFunctionError: true,
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'orders-sink' },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ value: { status: ['PAID', 'SHIPPED'] } }) }] },
    });
  });

  it('sends exhausted batches to the DLQ', () => {
    const dlq = resourceOf(template, 'AWS::SQS::Queue', '"QueueName":"orders-sink-dlq"');
    expect(mapping.Properties.DestinationConfig).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': [dlq.id, 'Arn'] } } });
  });

  it('grants kafka-cluster read on the topic and the consumer group only', () => {
    expect(grantsOf(template, 'SinkFunctionServiceRole', 'kafka-cluster:Connect')).toEqual([clusterArn]);
    expect(grantsOf(template, 'SinkFunctionServiceRole', 'kafka-cluster:ReadData')).toEqual([
      clusterArn.replace(':cluster/', ':topic/') + '/orders',
    ]);
    expect(grantsOf(template, 'SinkFunctionServiceRole', 'kafka-cluster:AlterGroup')).toEqual([
      clusterArn.replace(':cluster/', ':group/') + '/orders-sink',
    ]);
  });

  it('lets the replay function re-read offsets but not commit in the group', () => {
    expect(grantsOf(template, 'ReplayFunctionServiceRole', 'kafka-cluster:ReadData')).toHaveLength(1);
    expect(grantsOf(template, 'ReplayFunctionServiceRole', 'kafka-cluster:AlterGroup')).toEqual([]);
    expect(replay.Properties.Environment).toMatchObject({ Variables: { KAFKA_CLUSTER_ARN: clusterArn, KAFKA_AUTH: 'iam' } });
  });

  it('hands the mapping’s filters to the replay function, which skips what the mapping skips', () => {
    expect(mapping.Properties.FilterCriteria).toEqual({
      Filters: [{ Pattern: JSON.stringify({ value: { status: ['PAID', 'SHIPPED'] } }) }],
    });
    expect(JSON.parse((replay.Properties.Environment as { Variables: { KAFKA_FILTERS: string } }).Variables.KAFKA_FILTERS)).toEqual([
      { value: { status: ['PAID', 'SHIPPED'] } },
    ]);
  });
});

describe('msk + cassandra: dead letters and replay', () => {
  const dlq = resourceOf(template, 'AWS::SQS::Queue', '"QueueName":"orders-sink-dlq"');
  const replayQueue = resourceOf(template, 'AWS::SQS::Queue', '"QueueName":"orders-sink-replay"');

  it('keeps dead letters 14 days under a customer-managed key', () => {
    expect(dlq.Properties).toMatchObject({
      MessageRetentionPeriod: 1_209_600,
      KmsMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^DeadLetterKey/), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('makes the DLQ the replay queue’s dead-letter queue, so the console can redrive it into the replay queue', () => {
    expect(dlq.Properties.RedriveAllowPolicy).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sqs:eu-west-1:123456789012:orders-sink-replay']] }],
    });
    expect(replayQueue.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlq.id, 'Arn'] }, maxReceiveCount: 3 });
    expect(replayQueue.Properties.KmsMasterKeyId).toEqual(dlq.Properties.KmsMasterKeyId);
  });

  it('feeds the replay function from the replay queue with partial batch responses', () => {
    const mapping = resourceOf(template, 'AWS::Lambda::EventSourceMapping', replayQueue.id);
    expect(mapping.Properties).toMatchObject({
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FunctionName: { Ref: replay.id },
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    expect(replayQueue.Properties.VisibilityTimeout).toBe(360);
  });

  it('enforces TLS on the queues and the overflow bucket', () => {
    template.resourceCountIs('AWS::SQS::QueuePolicy', 2);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });
});

describe('msk + cassandra: secret, alarms, checks', () => {
  it('creates the credentials secret with a generated value only', () => {
    const secret = resourceOf(template, 'AWS::SecretsManager::Secret');
    expect(secret.Properties).toMatchObject({ Name: 'orders-sink/connection', GenerateSecretString: { GenerateStringKey: 'password' } });
    expect(secret.Properties).not.toHaveProperty('SecretString');
    expect(grantsOf(template, 'SinkFunctionServiceRole', 'secretsmanager:GetSecretValue')).toContainEqual({ Ref: secret.id });
  });

  it('raises the runbook alarms on the given topic', () => {
    const alarms = Object.values(
      template.findResources('AWS::CloudWatch::Alarm') as Record<string, { Properties: Record<string, unknown> }>,
    );
    expect(alarms).toHaveLength(10);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual(['arn:aws:sns:eu-west-1:123456789012:ops-alerts']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'KafkaCqlSink',
      MetricName: 'SinkHalted',
      Dimensions: [{ Name: 'service', Value: 'kafka-cql-sink' }],
      Statistic: 'Sum',
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  // Each alarm: the metric it watches, its threshold and what missing data means.
  const alarm = (match: string) => resourceOf(template, 'AWS::CloudWatch::Alarm', match).Properties;
  const GE = 'GreaterThanOrEqualToThreshold';

  it('lag: OffsetLag of the sink function above the threshold for offsetLagMinutes; no data is not lag', () => {
    expect(alarm('falling behind')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'OffsetLag',
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 50_000,
      EvaluationPeriods: 15,
      ComparisonOperator: GE,
      TreatMissingData: 'notBreaching',
    });
    expect(JSON.stringify(alarm('falling behind').Dimensions)).toContain('"Name":"FunctionName"');
  });

  it('not polling: no OffsetLag datapoint for 15 minutes; missing data breaches; mappings paused by the created secret keep it silent', () => {
    expect(alarm('stopped polling')).toMatchObject({
      MetricName: 'OffsetLag',
      Statistic: 'SampleCount',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      TreatMissingData: 'breaching',
      ActionsEnabled: false,
    });
  });

  it('event source errors: PollingErrorCount of the mapping, by its UUID', () => {
    const mapping = resourceOf(template, 'AWS::Lambda::EventSourceMapping', clusterArn);
    expect(alarm('PollingErrorCount')).toMatchObject({
      MetricName: 'PollingErrorCount',
      Dimensions: [{ Name: 'EventSourceMappingUUID', Value: { Ref: mapping.id } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: GE,
      TreatMissingData: 'notBreaching',
    });
  });

  it('dead letters: any message sent to the DLQ in 5 minutes, and a visible backlog', () => {
    expect(alarm('New records were dead-lettered')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'NumberOfMessagesSent',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: GE,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm('wait in the dead-letter queue')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    const dlq = resourceOf(template, 'AWS::SQS::Queue', '"QueueName":"orders-sink-dlq"');
    expect(alarm('New records were dead-lettered').Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq.id, 'QueueName'] } },
    ]);
  });

  it('replay age: the oldest replay message older than an hour', () => {
    expect(alarm('waited too long')).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Statistic: 'Maximum',
      Threshold: 3600,
      ComparisonOperator: GE,
      TreatMissingData: 'notBreaching',
    });
  });

  it('function errors and throttles, replay errors', () => {
    expect(alarm('Sink invocations failed')).toMatchObject({
      MetricName: 'Errors',
      Statistic: 'Sum',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm('throttled')).toMatchObject({ MetricName: 'Throttles', Threshold: 1 });
    expect(alarm('Replay invocations failed')).toMatchObject({ MetricName: 'Errors', Threshold: 1 });
  });

  it('deploys the mapping paused while the created secret holds its placeholder, and says what to do', () => {
    const mapping = resourceOf(template, 'AWS::Lambda::EventSourceMapping', clusterArn);
    expect(mapping.Properties.Enabled).toBe(false);
    const next = JSON.stringify(template.findOutputs('NextStep'));
    expect(next).toContain('orders-sink/connection');
    expect(next).toContain('eventSource.enabled: true');
    expect(synthesized.warnings.Sink).toContainEqual(expect.stringContaining('the Kafka event source mappings are deployed paused'));
  });

  it('graphs the sink metrics the handler publishes, by service and topic', () => {
    const body = JSON.stringify(resourceOf(template, 'AWS::CloudWatch::Dashboard').Properties.DashboardBody);
    for (const name of ['RecordsWritten', 'RecordsDeadLettered', 'RecordsFailed', 'BatchLatency']) {
      expect(body).toContain(`\\"KafkaCqlSink\\",\\"${name}\\",\\"service\\",\\"kafka-cql-sink\\",\\"topic\\",\\"orders\\"`);
    }
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });
});
