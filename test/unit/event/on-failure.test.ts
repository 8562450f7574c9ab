import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PoisonRecordError } from '../../../lambdas/core/errors.js';
import { isOnFailureMessage, parseOnFailureMessage } from '../../../lambdas/core/event/on-failure.js';

const text = readFileSync(new URL('../../fixtures/events/on-failure-sqs.json', import.meta.url), 'utf8');

describe('parseOnFailureMessage', () => {
  it('reads the offset ranges of an SQS on-failure message (string or number offsets, dashed topics)', () => {
    const batch = parseOnFailureMessage(text);
    expect(batch.ranges).toEqual([
      { topic: 'orders-eu-1', partition: 0, firstOffset: '15', lastOffset: '16' },
      { topic: 'orders-eu-1', partition: 1, firstOffset: '3', lastOffset: '3' },
    ]);
    expect(batch.condition).toBe('RetryAttemptsExhausted');
    expect(batch.approximateInvokeCount).toBe(11);
    expect(batch.bootstrapServers).toContain(':9098');
    expect(batch.payload).toBeUndefined();
  });

  it('unwraps an SNS notification', () => {
    const sns = JSON.stringify({ Type: 'Notification', MessageId: 'x', TopicArn: 'arn:aws:sns:us-east-1:1:t', Message: text });
    expect(isOnFailureMessage(sns)).toBe(true);
    expect(parseOnFailureMessage(sns).ranges).toHaveLength(2);
  });

  it('keeps the payload of an S3 destination object', () => {
    const withPayload = { ...(JSON.parse(text) as object), payload: { eventSource: 'aws:kafka', records: {} } };
    expect(parseOnFailureMessage(withPayload).payload).toEqual({ eventSource: 'aws:kafka', records: {} });
  });

  it('tells a dead-letter message apart', () => {
    expect(isOnFailureMessage('{"type":"kafka-cql-sink.dead-letter"}')).toBe(false);
    expect(isOnFailureMessage({ KafkaBatchInfo: {} })).toBe(true);
  });

  it('rejects what is not an on-failure message, saying why', () => {
    expect(() => parseOnFailureMessage('nope')).toThrow(PoisonRecordError);
    expect(() =>
      parseOnFailureMessage({ KafkaBatchInfo: { recordsInfo: { 'a-0': { firstRecordOffset: 'x', lastRecordOffset: '1' } } } }),
    ).toThrow(/KafkaBatchInfo\.recordsInfo\.a-0\.firstRecordOffset/);
    expect(() =>
      parseOnFailureMessage({ KafkaBatchInfo: { recordsInfo: { nodash: { firstRecordOffset: '1', lastRecordOffset: '1' } } } }),
    ).toThrow(/"nodash"/);
    expect(() =>
      parseOnFailureMessage({ KafkaBatchInfo: { recordsInfo: { 'a-0': { firstRecordOffset: '9', lastRecordOffset: '1' } } } }),
    ).toThrow(/after lastRecordOffset/);
  });
});
