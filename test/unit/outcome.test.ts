import { describe, expect, it } from 'vitest';
import { PoisonRecordError, SystemicFailureError, TransientError } from '../../lambdas/core/errors.js';
import type { KafkaRecord } from '../../lambdas/core/event/record.js';
import { countOutcomes, noOutcomes, type RecordOutcome } from '../../lambdas/core/outcome.js';

const record = (offset: number): KafkaRecord => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  timestamp: 0,
  timestampType: 'CREATE_TIME',
  key: null,
  value: null,
  headers: [],
});
const halt = new SystemicFailureError('halted', {
  table: 'ks.t',
  column: 'c',
  reason: 'r',
  records: 1,
  ofRecords: 1,
  rule: 'rule',
  example: { topic: 't', partition: 0, offset: '4' },
});

const outcomes: RecordOutcome[] = [
  { record: record(0), status: 'written' },
  { record: record(1), status: 'written', coalesced: true },
  { record: record(2), status: 'dead-lettered', error: new PoisonRecordError('bad'), tables: ['ks.t'] },
  { record: record(3), status: 'failed', error: new TransientError('timeout') },
  { record: record(4), status: 'failed', error: halt },
];

describe('countOutcomes', () => {
  it('counts each status once, and the coalesced among the written', () => {
    expect(countOutcomes(outcomes)).toEqual({ written: 2, deadLettered: 1, failed: 2, coalesced: 1 });
    expect(countOutcomes([])).toEqual(noOutcomes());
  });

  it('adds to a running total when given one, and returns it', () => {
    const total = noOutcomes();
    expect(countOutcomes(outcomes.slice(0, 2), total)).toBe(total);
    countOutcomes(outcomes.slice(2), total);
    countOutcomes(outcomes.slice(3, 4), total);
    expect(total).toEqual({ written: 2, deadLettered: 1, failed: 3, coalesced: 1 });
  });

  it('gives each call its own zeroed counts', () => {
    countOutcomes(outcomes);
    expect(noOutcomes()).toEqual({ written: 0, deadLettered: 0, failed: 0, coalesced: 0 });
    expect(noOutcomes()).not.toBe(noOutcomes());
  });
});
