import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import { convertConnectorConfig } from '../../../lambdas/core/config/connector.js';
import { parseSinkConfig } from '../../../lambdas/core/config/load.js';
import { isPlaceholderSecretArn, placeholderSecretArn, placeholderSecretProblems } from '../../../lambdas/core/config/placeholders.js';
import { ConfigError } from '../../../lambdas/core/errors.js';
import { main } from '../../../local/cli/main.js';
import type { Io } from '../../../local/cli/command.js';

const properties = [
  'topics=orders',
  'contactPoints=10.0.1.10',
  'loadBalancing.localDc=dc1',
  'auth.provider=PLAIN',
  'auth.username=writer',
  'auth.password=s3cr3t',
  'topic.orders.shop.orders_by_id.mapping=order_id=value.order_id, status=value.status',
].join('\n');

describe('placeholder secrets of a converted connector config', () => {
  const converted = convertConnectorConfig(properties).config;

  it('are recognised, with the path and what to put there', () => {
    expect(isPlaceholderSecretArn(placeholderSecretArn('x'))).toBe(true);
    expect(isPlaceholderSecretArn('arn:aws:secretsmanager:eu-west-1:123456789012:secret:real')).toBe(false);
    const problems = placeholderSecretProblems(parseSinkConfig(converted));
    expect(problems).toEqual([
      `connection.credentialsSecretArn: ${placeholderSecretArn('cassandra-credentials')} is a placeholder written by convert-connector-config; store the secret in Secrets Manager and put its ARN here (with --local, the local credentials are used instead)`,
    ]);
  });

  it('stop the runtime at start, before any AWS or database call, with that message', async () => {
    const error = await createSinkRuntime({
      SINK_CONFIG: JSON.stringify(converted),
      DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(
      'connection.credentialsSecretArn: arn:aws:secretsmanager:us-east-1:000000000000:secret:REPLACE_ME-cassandra-credentials is a placeholder',
    );
  });

  it('stop check (without --local) with the placeholder named, exit 1', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kcs-placeholder-')), 'converted.yaml');
    writeFileSync(file, JSON.stringify(converted));
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io: Io = {
      out: (line) => {
        stdout.push(line);
      },
      err: (line) => {
        stderr.push(line);
      },
    };
    expect(await main(['check', '--config', file], io)).toBe(1);
    expect(stderr.join('\n')).toMatch(
      /connection\.credentialsSecretArn: .*REPLACE_ME-cassandra-credentials is a placeholder written by convert-connector-config/,
    );
  });
});
