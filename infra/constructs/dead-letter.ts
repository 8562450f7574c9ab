import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterProps {
  /** Prefix of the queue names; the replay queue's name must be known at synth (see below). */
  readonly namePrefix: string;
  /**
   * Failed replays of one message before SQS moves it back to the DLQ.
   * @default 3
   */
  readonly maxReceiveCount?: number;
  /**
   * Visibility timeout of the replay queue; at least the replay function's timeout.
   * @default Duration.minutes(6)
   */
  readonly replayVisibilityTimeout?: Duration;
}

/** Dead-lettered records are kept as long as SQS allows. */
const RETENTION = Duration.days(14);

/**
 * The dead-letter queue, the replay queue and the bucket for records too large
 * for an SQS message, all under one customer-managed KMS key. The DLQ is the
 * replay queue's dead-letter queue; why: docs/decisions/dlq-redrive-through-replay-queue.md.
 */
export class DeadLetter extends Construct {
  readonly key: kms.Key;
  readonly dlq: sqs.Queue;
  readonly replayQueue: sqs.Queue;
  readonly overflowBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DeadLetterProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? 3;
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
      throw new Error(`maxReceiveCount must be an integer from 1 to 1000 (got ${maxReceiveCount})`);
    }
    this.key = new kms.Key(this, 'Key', {
      description: `${props.namePrefix}: dead-lettered Kafka records (queues and overflow bucket)`,
      enableKeyRotation: true,
    });
    const replayQueueName = `${props.namePrefix}-replay`;
    // The replay queue's ARN is built from its name: taking it from the queue would make
    // the two queues reference each other (the replay queue names the DLQ as its DLQ).
    const replayQueueArn = Stack.of(this).formatArn({ service: 'sqs', resource: replayQueueName });
    this.dlq = new sqs.Queue(this, 'Dlq', {
      queueName: `${props.namePrefix}-dlq`,
      retentionPeriod: RETENTION,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      redriveAllowPolicy: {
        redrivePermission: sqs.RedrivePermission.BY_QUEUE,
        sourceQueues: [sqs.Queue.fromQueueArn(this, 'ReplayQueueRef', replayQueueArn)],
      },
    });
    this.replayQueue = new sqs.Queue(this, 'ReplayQueue', {
      queueName: replayQueueName,
      retentionPeriod: RETENTION,
      visibilityTimeout: props.replayVisibilityTimeout ?? Duration.minutes(6),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      deadLetterQueue: { queue: this.dlq, maxReceiveCount },
    });
    this.overflowBucket = new s3.Bucket(this, 'OverflowBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Same life as a DLQ message: a pointer outliving its payload would be useless.
      lifecycleRules: [{ expiration: RETENTION.plus(Duration.days(1)) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
