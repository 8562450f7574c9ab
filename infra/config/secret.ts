import { secretReferences } from '../../lambdas/core/config/placeholders.js';
import type { SinkConfig } from '../../lambdas/core/config/schema.js';
import type { DeployConfig } from './deploy-schema.js';

/** Where, in the sink config's `connection`, the credentials secret ARN lives for each profile. */
function credentialsPath(sink: SinkConfig): readonly string[] | undefined {
  const connection = sink.connection;
  switch (connection.profile) {
    case 'cassandra':
      return ['credentialsSecretArn'];
    case 'astra':
      return ['tokenSecretArn'];
    case 'keyspaces':
      return connection.auth.type === 'service-specific' ? ['auth', 'secretArn'] : undefined;
  }
}

export function createdSecretName(deploy: DeployConfig): string {
  return deploy.connectionSecret.mode === 'create' ? (deploy.connectionSecret.name ?? `${deploy.stackName}/connection`) : '';
}

export function connectionSecretProblems(deploy: DeployConfig, sink: SinkConfig): string[] {
  if (deploy.connectionSecret.mode !== 'create' || credentialsPath(sink) !== undefined) return [];
  return [
    'connectionSecret.mode: "create" needs a profile with a credentials secret; keyspaces with sigv4 auth signs with the function role (got "create")',
  ];
}

/**
 * The sink config as bundled: the user's input (so the function applies the
 * defaults itself) with the created secret's ARN written where the profile
 * reads its credentials.
 */
export function bundledSinkConfig(input: unknown, sink: SinkConfig, createdSecretArn: string | undefined): unknown {
  const copy = structuredClone(input) as Record<string, unknown>;
  const path = credentialsPath(sink);
  if (createdSecretArn === undefined || path === undefined) return copy;
  let node = copy.connection as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1) ?? ''] = createdSecretArn;
  return copy;
}

/** Every secret ARN the functions read, from the (bundled) sink config. */
export function referencedSecretArns(sink: SinkConfig): string[] {
  return [...new Set(secretReferences(sink).map((reference) => reference.arn))];
}

/** The S3 object of an Astra secure connect bundle, when it comes from S3. */
export function bundleS3Object(sink: SinkConfig): { bucket: string; key: string } | undefined {
  const connection = sink.connection;
  if (connection.profile !== 'astra' || !('s3Uri' in connection.secureConnectBundle)) return undefined;
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(connection.secureConnectBundle.s3Uri);
  return match?.[1] === undefined || match[2] === undefined ? undefined : { bucket: match[1], key: match[2] };
}

/** Whether the event source mappings poll, and whether that is because a created secret still holds its placeholder. */
export interface MappingsState {
  readonly enabled: boolean;
  /** True when `enabled` was not given and the stack creates the credentials secret: the mappings deploy paused. */
  readonly pausedForCreatedSecret: boolean;
}

/**
 * `eventSource.enabled` as given; when it is not given, true, except with a
 * created credentials secret: its first value is a generated placeholder, and
 * a sink polling with it would fail every batch until the retries are spent and
 * the event source sends the batches to the DLQ. So the mappings start paused.
 */
export function mappingsState(deploy: DeployConfig): MappingsState {
  const explicit = deploy.eventSource.enabled;
  if (explicit !== undefined) return { enabled: explicit, pausedForCreatedSecret: false };
  const created = deploy.connectionSecret.mode === 'create';
  return { enabled: !created, pausedForCreatedSecret: created };
}
