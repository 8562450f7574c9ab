import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { localAwsClientConfig, uniqueName } from '../../support/services.js';

describe('local AWS emulator', () => {
  const sqs = new SQSClient(localAwsClientConfig);
  const secrets = new SecretsManagerClient(localAwsClientConfig);
  const s3 = new S3Client(localAwsClientConfig);
  let queueUrl: string | undefined;

  afterAll(async () => {
    if (queueUrl !== undefined) await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    sqs.destroy();
    secrets.destroy();
    s3.destroy();
  });

  it('sends and receives an SQS message with attributes', async () => {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('it-queue') }));
    queueUrl = created.QueueUrl;
    expect(queueUrl).toBeDefined();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: '{"hello":"sqs"}',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'poison' } },
      }),
    );
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 2, MessageAttributeNames: ['All'] }));
    expect(received.Messages?.map((m) => m.Body)).toEqual(['{"hello":"sqs"}']);
    expect(received.Messages?.[0]?.MessageAttributes?.kind?.StringValue).toBe('poison');
  });

  it('stores and reads a Secrets Manager secret', async () => {
    const name = uniqueName('it/secret');
    const created = await secrets.send(
      new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ username: 'sink', password: 's3cr3t' }) }),
    );
    const read = await secrets.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(JSON.parse(read.SecretString ?? '{}')).toEqual({ username: 'sink', password: 's3cr3t' });
  });

  it('puts and gets an S3 object', async () => {
    const bucket = uniqueName('it-bucket').replaceAll('_', '-');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/b.json', Body: '{"big":true}' }));
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/b.json' }));
    expect(await object.Body?.transformToString()).toBe('{"big":true}');
  });
});
