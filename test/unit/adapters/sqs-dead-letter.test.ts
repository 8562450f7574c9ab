import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, type SendMessageBatchCommandOutput, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsDeadLetterSink } from '../../../lambdas/adapters/sqs-dead-letter.js';
import { deadLetterFor, parseDeadLetterEnvelope, type DeadLetter } from '../../../lambdas/core/dead-letter.js';
import { PoisonRecordError, TransientError } from '../../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import { kafkaRecord } from '../../kit/index.js';

const record = (offset: number, valueBytes = 10): KafkaRecord =>
  kafkaRecord({
    partition: 1,
    offset: String(offset),
    timestamp: 1_700_000_000_000,
    key: Buffer.from(`k${offset}`),
    value: Buffer.alloc(valueBytes, 0x61),
  });
const letter = (offset: number, valueBytes?: number): DeadLetter =>
  deadLetterFor(record(offset, valueBytes), ['ks.t'], new PoisonRecordError('bad'));

type Reply = (entries: { Id?: string; MessageBody?: string }[]) => Partial<SendMessageBatchCommandOutput> | Error;

class FakeSqs {
  readonly calls: { Id?: string; MessageBody?: string }[][] = [];
  constructor(private readonly replies: Reply[] = []) {}
  send(command: unknown): Promise<Partial<SendMessageBatchCommandOutput>> {
    if (!(command instanceof SendMessageBatchCommand)) return Promise.reject(new Error('unexpected command'));
    const entries = command.input.Entries ?? [];
    this.calls.push(entries);
    const reply = this.replies.shift() ?? ((e) => ({ Successful: e.map((x) => ({ Id: x.Id, MessageId: 'm', MD5OfMessageBody: '' })) }));
    const out = reply(entries);
    return out instanceof Error ? Promise.reject(out) : Promise.resolve(out);
  }
}

class FakeS3 {
  readonly puts: { Bucket?: string; Key?: string; Body?: unknown }[] = [];
  constructor(private readonly fail = false) {}
  send(command: unknown): Promise<object> {
    if (!(command instanceof PutObjectCommand)) return Promise.reject(new Error('unexpected command'));
    if (this.fail) return Promise.reject(new Error('s3 down'));
    this.puts.push(command.input);
    return Promise.resolve({});
  }
}

const okAll: Reply = (e) => ({ Successful: e.map((x) => ({ Id: x.Id, MessageId: 'm', MD5OfMessageBody: '' })) });

function sink(sqs: FakeSqs, extra: Partial<ConstructorParameters<typeof SqsDeadLetterSink>[0]> = {}): SqsDeadLetterSink {
  return new SqsDeadLetterSink({
    sqs: sqs as unknown as SQSClient,
    queueUrl: 'https://sqs.example/q',
    origin: { functionName: 'f', functionVersion: '1' },
    sleep: () => Promise.resolve(),
    ...extra,
  });
}

describe('SqsDeadLetterSink', () => {
  it('sends one message per record, 10 per SendMessageBatch call', async () => {
    const sqs = new FakeSqs();
    await sink(sqs).send(Array.from({ length: 23 }, (_, i) => letter(i)));
    expect(sqs.calls.map((c) => c.length)).toEqual([10, 10, 3]);
    const bodies = sqs.calls.flat().map((e) => parseDeadLetterEnvelope(e.MessageBody));
    expect(bodies.map((b) => b.record.offset)).toEqual(Array.from({ length: 23 }, (_, i) => String(i)));
  });

  it('keeps each call under the batch byte limit', async () => {
    const sqs = new FakeSqs();
    await sink(sqs, { maxMessageBytes: 10_000, maxBatchBytes: 10_000 }).send(Array.from({ length: 6 }, (_, i) => letter(i, 3000)));
    for (const call of sqs.calls) expect(call.reduce((n, e) => n + Buffer.byteLength(e.MessageBody ?? ''), 0)).toBeLessThanOrEqual(10_000);
    expect(sqs.calls.flat()).toHaveLength(6);
  });

  it('retries only the entries that failed', async () => {
    const sqs = new FakeSqs([
      (e) => ({
        Successful: e.slice(1).map((x) => ({ Id: x.Id, MessageId: 'm', MD5OfMessageBody: '' })),
        Failed: [{ Id: e[0]?.Id, Code: 'InternalError', SenderFault: false }],
      }),
      okAll,
    ]);
    await sink(sqs).send([letter(1), letter(2), letter(3)]);
    expect(sqs.calls.map((c) => c.length)).toEqual([3, 1]);
  });

  it('throws a TransientError naming the records that never got through', async () => {
    const failFirst: Reply = (e) => ({
      Successful: e.slice(1).map((x) => ({ Id: x.Id, MessageId: 'm', MD5OfMessageBody: '' })),
      Failed: [{ Id: e[0]?.Id, Code: 'Throttled', SenderFault: false }],
    });
    const sqs = new FakeSqs([failFirst, failFirst, failFirst]);
    const promise = sink(sqs).send([letter(1), letter(2)]);
    await expect(promise).rejects.toThrow(TransientError);
    await expect(promise).rejects.toThrow(/1 of 2 records: orders\/1@1: Throttled/);
    expect(sqs.calls).toHaveLength(3);
  });

  it('treats a failing call as a transient failure of all its records', async () => {
    const down: Reply = () => new Error('connect ECONNREFUSED');
    const sqs = new FakeSqs([down, down, down]);
    await expect(sink(sqs).send([letter(1)])).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stores a message too large for the queue in S3 and sends a pointer', async () => {
    const sqs = new FakeSqs();
    const s3 = new FakeS3();
    await sink(sqs, { maxMessageBytes: 2000, overflow: { s3: s3 as unknown as S3Client, bucket: 'dlq-bucket' } }).send([
      letter(1, 5000),
      letter(2, 10),
    ]);
    expect(s3.puts).toHaveLength(1);
    const [pointer, small] = sqs.calls.flat().map((e) => parseDeadLetterEnvelope(e.MessageBody));
    expect(pointer).toMatchObject({ type: 'kafka-cql-sink.dead-letter-pointer', record: { offset: '1' }, s3: { bucket: 'dlq-bucket' } });
    expect(pointer?.type === 'kafka-cql-sink.dead-letter-pointer' && pointer.s3.key).toMatch(/^dead-letters\/orders\/1\/1-.+\.json$/);
    expect(small?.type).toBe('kafka-cql-sink.dead-letter');
    expect(String(s3.puts[0]?.Body)).toContain('"offset":"1"');
  });

  it('never drops an oversized message: no bucket or a failed upload is a TransientError', async () => {
    await expect(sink(new FakeSqs(), { maxMessageBytes: 2000 }).send([letter(1, 5000)])).rejects.toThrow(/no overflow bucket/);
    const sqs = new FakeSqs();
    const promise = sink(sqs, { maxMessageBytes: 2000, overflow: { s3: new FakeS3(true) as unknown as S3Client, bucket: 'b' } }).send([
      letter(1, 5000),
      letter(2),
    ]);
    await expect(promise).rejects.toThrow(/1 of 2 records: orders\/1@1: TransientError: storing/);
    // The record that fit was still sent.
    expect(sqs.calls.flat()).toHaveLength(1);
  });
});
