import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Admin, Consumer } from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../local/cli/main.js';
import { endpoints, uniqueName } from '../../support/services.js';
import { captureIo } from '../../support/capture-io.js';

describe('produce --file', () => {
  const bootstrapBrokers = [endpoints.kafka];
  const topic = uniqueName('it-produce-file');
  const admin = new Admin({ clientId: 'it-admin', bootstrapBrokers });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.close();
  });

  it('sends your JSON lines to the topic: text and JSON values, headers, timestamps, partitions, tombstones', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kcs-produce-'));
    const file = path.join(dir, 'records.jsonl');
    const lines = [
      { key: 'k1', value: { id: 1, note: 'ünïcode' }, headers: { source: 'me' }, timestamp: 1_767_225_600_123, partition: 2 },
      { key: 'k1', value: 'plain text', timestamp: '2026-01-01T00:00:01.5Z', partition: 2 },
      { key: 'k1', value: null, partition: 2 },
      { key: { composite: 7 }, partition: 2 },
    ];
    writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n\n`);

    const io = captureIo();
    expect(await main(['produce', '--file', file, '--topic', topic, '--bootstrap-servers', endpoints.kafka], io)).toBe(0);
    expect(io.stdout.join('\n')).toContain(`produced 4 records to ${topic} (2 tombstones)`);

    const consumer = new Consumer({ groupId: uniqueName('it-group'), clientId: 'it-consumer', bootstrapBrokers });
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'earliest',
      autocommit: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    const received: { key: string; value: Buffer | undefined; partition: number; timestamp: bigint; source: string | undefined }[] = [];
    for await (const message of stream) {
      const source = [...message.headers].find(([name]) => name.toString() === 'source')?.[1].toString();
      const value = message.value as Buffer | undefined;
      received.push({ key: message.key.toString(), value, partition: message.partition, timestamp: message.timestamp, source });
      if (received.length === lines.length) break;
    }
    await stream.close();
    await consumer.close(true);

    expect(received.map((m) => m.partition)).toEqual([2, 2, 2, 2]);
    expect(received.map((m) => m.key)).toEqual(['k1', 'k1', 'k1', '{"composite":7}']);
    expect(received[0]?.value?.toString()).toBe('{"id":1,"note":"ünïcode"}');
    expect(received[0]?.source).toBe('me');
    expect(received[0]?.timestamp).toBe(1_767_225_600_123n);
    expect(received[1]?.value?.toString()).toBe('plain text');
    expect(received[1]?.timestamp).toBe(BigInt(Date.parse('2026-01-01T00:00:01.5Z')));
    expect(received[2]?.value).toBeUndefined();
    expect(received[3]?.value).toBeUndefined();
  });

  it('produces nothing from a file with a bad line, and names the line, the field and the value', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kcs-produce-'));
    const file = path.join(dir, 'bad.jsonl');
    writeFileSync(file, ['{"key":"a","value":1}', '{"key":"b","partition":-1}', 'not json', '{"value":1,"colour":"red"}'].join('\n'));
    const io = captureIo();
    expect(await main(['produce', '--file', file, '--topic', `${topic}-never`, '--bootstrap-servers', endpoints.kafka], io)).toBe(1);
    const message = io.stderr.join('\n');
    expect(message).toContain('3 bad lines, nothing produced');
    expect(message).toContain(`${file}:2: partition:`);
    expect(message).toContain('(got -1)');
    expect(message).toContain(`${file}:3: not JSON`);
    expect(message).toMatch(/bad\.jsonl:4: .*colour/);
    expect(await admin.listTopics()).not.toContain(`${topic}-never`);
  });
});
