import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeDeadLetter } from '../../../lambdas/core/dead-letter.js';
import type { KafkaRecord } from '../../../lambdas/core/event/record.js';
import { main } from '../../../local/cli/main.js';
import { localAwsClientConfig, uniqueName } from '../../support/services.js';
import { captureIo } from '../../support/capture-io.js';
import { kafkaRecord } from '../../kit/index.js';

const record = (offset: string, key: Buffer | null, value: Buffer | null): KafkaRecord =>
  kafkaRecord({
    topic: 'orders.v2-eu',
    partition: 2,
    offset,
    timestamp: Date.parse('2026-11-30T10:00:00.123Z'),
    key,
    value,
    headers: [
      { name: 'source', value: Buffer.from('shop') },
      { name: 'blob', value: Buffer.from([0xff, 0xfe, 0x00]) },
    ],
  });

const letter = (r: KafkaRecord, message: string): string =>
  JSON.stringify(
    encodeDeadLetter(
      { record: r, targetTables: ['shop.orders_by_id'], error: { kind: 'poison', name: 'PoisonRecordError', message }, attempt: 2 },
      { functionName: 'sink', functionVersion: '7' },
    ),
  );

describe('dlq peek', () => {
  const sqs = new SQSClient(localAwsClientConfig);
  let queueUrl = '';

  afterAll(async () => {
    if (queueUrl !== '') await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
    sqs.destroy();
  });

  it('shows every dead letter decoded (JSON, text, binary, tombstone) and deletes none', async () => {
    ({ QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('it-peek') })));
    const bodies = [
      letter(
        record('41', Buffer.from('k-1'), Buffer.from('{"order_id":"x","amount":"abc"}')),
        'column amount (decimal): "abc" is not a number',
      ),
      letter(record('42', Buffer.from('k-2'), Buffer.from('not json at all')), 'value is not JSON'),
      letter(record('43', null, null), 'tombstone without a key'),
      JSON.stringify({ something: 'else' }),
    ];
    for (const body of bodies) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));

    const json = captureIo();
    expect(await main(['dlq', 'peek', '--local', '--queue-url', queueUrl, '--json', '--limit', '10'], json)).toBe(0);
    const items = json.stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(items).toHaveLength(4);
    const byOffset = new Map(items.filter((item) => 'offset' in item).map((item) => [item.offset, item]));
    expect(byOffset.get('41')).toMatchObject({
      topic: 'orders.v2-eu',
      partition: 2,
      timestamp: '2026-11-30T10:00:00.123Z',
      error: { kind: 'poison', message: 'column amount (decimal): "abc" is not a number' },
      attempt: 2,
      tables: ['shop.orders_by_id'],
      key: { text: 'k-1' },
      value: { json: { order_id: 'x', amount: 'abc' } },
      headers: { source: { text: 'shop' }, blob: { base64: Buffer.from([0xff, 0xfe, 0x00]).toString('base64') } },
    });
    expect(byOffset.get('42')).toMatchObject({ value: { text: 'not json at all' } });
    expect(byOffset.get('43')).toMatchObject({ key: null, value: null });
    expect(items.find((item) => !('offset' in item))).toMatchObject({ kind: 'unreadable' });

    const text = captureIo();
    expect(await main(['dlq', 'peek', '--local', '--queue-url', queueUrl, '--limit', '2'], text)).toBe(0);
    const shown = text.stdout.join('\n');
    expect(shown).toMatch(/2 messages shown from .*; none deleted$/);
    expect(shown).toMatch(/orders\.v2-eu\/2\/4[123] at 2026-11-30T10:00:00\.123Z → shop\.orders_by_id|message .*: unreadable/);

    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('4');
  });

  it('needs a queue: --queue-url, or --local for the local one', async () => {
    const io = captureIo();
    expect(await main(['dlq', 'peek'], io)).toBe(2);
    expect(io.stderr[0]).toContain('give --queue-url');
    const wrong = captureIo();
    expect(await main(['dlq', 'purge', '--local'], wrong)).toBe(2);
    expect(wrong.stderr[0]).toContain('expected `dlq peek`');
  });
});
