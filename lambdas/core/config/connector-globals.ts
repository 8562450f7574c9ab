import type { SinkConfigInput } from './schema.js';
import { KEYSPACES_MAX_BATCH } from './profile-rules.js';
import { placeholderSecretArn } from './placeholders.js';

type ConnectionInput = SinkConfigInput['connection'];
type TopicInput = SinkConfigInput['topics'][string];
type Take = (key: string) => string | undefined;

const KEYSPACES_HOST = /^cassandra(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?::\d+)?$/;

/** The connection: Astra when there is a bundle, Keyspaces when the contact points are its endpoint, else Cassandra. */
export function convertConnection(take: Take, warnings: string[]): ConnectionInput {
  const bundle = take('cloud.secureConnectBundle');
  const username = take('auth.username');
  if (take('auth.password') !== undefined)
    warnings.push('auth.password: not copied; secrets belong in Secrets Manager (see the secret ARN placeholders)');
  if (take('auth.provider')?.toUpperCase() === 'GSSAPI') warnings.push('auth.provider: GSSAPI (Kerberos) is not supported');
  if (bundle !== undefined) {
    warnings.push(
      `cloud.secureConnectBundle: upload ${bundle} to S3 (or a binary secret) and set connection.secureConnectBundle`,
      'connection.tokenSecretArn: placeholder; store the Astra application token (AstraCS:…) in Secrets Manager and put its ARN here',
    );
    return {
      profile: 'astra',
      secureConnectBundle: { s3Uri: 's3://REPLACE_ME/secure-connect-bundle.zip' },
      tokenSecretArn: placeholderSecretArn('astra-token'),
    };
  }
  const points = (take('contactPoints') ?? '')
    .split(',')
    .map((point) => point.trim())
    .filter((point) => point !== '');
  const keyspacesRegion = points.map((point) => KEYSPACES_HOST.exec(point)?.[1]).find((region) => region !== undefined);
  const sigv4 = /sigv4/i.test(take('datastax-java-driver.advanced.auth-provider.class') ?? '');
  if (keyspacesRegion !== undefined) {
    if (username === undefined || sigv4) return { profile: 'keyspaces', region: keyspacesRegion, auth: { type: 'sigv4' } };
    warnings.push(
      `connection.auth.secretArn: placeholder; store {"username": ${JSON.stringify(username)}, "password": …} (service-specific credentials) in Secrets Manager`,
    );
    return {
      profile: 'keyspaces',
      region: keyspacesRegion,
      auth: { type: 'service-specific', secretArn: placeholderSecretArn('keyspaces-credentials') },
    };
  }
  if (points.length === 0) warnings.push('contactPoints: not set, so the connector used localhost; 127.0.0.1 is written here');
  const localDataCenter = take('loadBalancing.localDc') ?? '';
  const port = take('port');
  const connection: ConnectionInput = {
    profile: 'cassandra',
    contactPoints: points.length > 0 ? points : ['127.0.0.1'],
    localDataCenter,
    ...(port === undefined ? {} : { port: Number(port) }),
  };
  if (username !== undefined) {
    warnings.push(
      `connection.credentialsSecretArn: placeholder; store {"username": ${JSON.stringify(username)}, "password": …} in Secrets Manager and put its ARN here`,
    );
    connection.credentialsSecretArn = placeholderSecretArn('cassandra-credentials');
  }
  const sslProvider = take('ssl.provider');
  if (sslProvider !== undefined && sslProvider.toLowerCase() !== 'none') {
    // The connector's hostnameValidation=false skips the name check only; its certificates are still verified.
    connection.tls = take('ssl.hostnameValidation')?.toLowerCase() === 'false' ? { checkHostname: false } : {};
    const truststore = take('ssl.truststore.path');
    if (truststore !== undefined)
      warnings.push(
        `ssl.truststore.path: export the CA of ${truststore} as PEM, store it in Secrets Manager and set connection.tls.caSecretArn`,
      );
    for (const key of ['ssl.keystore.path', 'ssl.openssl.keyCertChain', 'ssl.openssl.privateKey']) {
      if (take(key) !== undefined) warnings.push(`${key}: client certificates are not supported`);
    }
  }
  return connection;
}

const CONVERTERS: Record<string, TopicInput['valueFormat']> = {
  'org.apache.kafka.connect.json.JsonConverter': 'json',
  'org.apache.kafka.connect.storage.StringConverter': 'string',
  'org.apache.kafka.connect.converters.ByteArrayConverter': 'bytes',
  'io.confluent.connect.avro.AvroConverter': 'avro',
  'io.confluent.connect.protobuf.ProtobufConverter': 'protobuf',
  'io.confluent.connect.json.JsonSchemaConverter': 'json-schema',
  // AWS Glue Schema Registry converters (awslabs/aws-glue-schema-registry): one glue format reads all three.
  'com.amazonaws.services.schemaregistry.kafkaconnect.AWSKafkaAvroConverter': 'glue',
  'com.amazonaws.services.schemaregistry.kafkaconnect.protobuf.ProtobufSchemaConverter': 'glue',
  'com.amazonaws.services.schemaregistry.kafkaconnect.jsonschema.JsonSchemaConverter': 'glue',
};

/** Glue converter settings that only matter to a producer (registration, record classes): nothing to carry over. */
const GLUE_PRODUCER_SETTINGS = [
  'schemaAutoRegistrationEnabled',
  'avroRecordType',
  'protobufMessageType',
  'schemaName',
  'compatibility',
  'dataFormat',
  'compression',
  'description',
  'cacheSize',
  'timeToLiveMillis',
];

function convertGlueSettings(take: Take, part: 'key' | 'value', result: Omit<TopicInput, 'tables'>, warnings: string[]): void {
  const prefix = `${part}.converter`;
  const region = take(`${prefix}.region`);
  const registryName = take(`${prefix}.registry.name`);
  for (const setting of GLUE_PRODUCER_SETTINGS) take(`${prefix}.${setting}`);
  const endpoint = take(`${prefix}.endpoint`);
  if (endpoint !== undefined)
    warnings.push(
      `${prefix}.endpoint: ${endpoint} not carried over; the function reaches Glue at its regional endpoint (or AWS_ENDPOINT_URL)`,
    );
  const role = take(`${prefix}.assumeRoleArn`);
  take(`${prefix}.assumeRoleSessionName`);
  if (role !== undefined)
    warnings.push(
      `${prefix}.assumeRoleArn: ${role} not carried over; the function reads Glue with its own role (cross-account registries are not supported)`,
    );
  if (region === undefined && registryName === undefined) return;
  result.glueSchemaRegistry = {
    ...result.glueSchemaRegistry,
    ...(region === undefined ? {} : { region }),
    ...(registryName === undefined ? {} : { registryName }),
  };
}

/** Kafka Connect converters become the key and value formats of every topic. */
export function convertFormats(take: Take, warnings: string[]): Omit<TopicInput, 'tables'> {
  const result: Omit<TopicInput, 'tables'> = {};
  for (const part of ['key', 'value'] as const) {
    const converter = take(`${part}.converter`);
    if (converter === undefined) continue;
    const format = CONVERTERS[converter];
    if (format === undefined) {
      warnings.push(`${part}.converter: ${converter} has no equivalent format`);
      continue;
    }
    result[part === 'key' ? 'keyFormat' : 'valueFormat'] = format;
    if (format === 'glue') {
      convertGlueSettings(take, part, result, warnings);
      continue;
    }
    const registry = take(`${part}.converter.schema.registry.url`);
    if (registry !== undefined) result.schemaRegistry = { url: registry };
    if (format === 'json' && take(`${part}.converter.schemas.enable`)?.toLowerCase() === 'true') {
      warnings.push(
        `${part}.converter.schemas.enable: ${part}s are {schema, payload} envelopes; map ${part}.payload.<field> instead of ${part}.<field>`,
      );
    }
  }
  return result;
}

/** The writer's default (lambdas/core/config/schema.ts): per instance, so far below the connector's 500 per task. */
export const RECOMMENDED_MAX_CONCURRENT_REQUESTS = 128;

export function convertWriter(take: Take, profile: ConnectionInput['profile'], warnings: string[]): SinkConfigInput['writer'] {
  const concurrency = take('maxConcurrentRequests');
  let batch = take('maxNumberOfRecordsInBatch');
  if (profile === 'keyspaces' && batch !== undefined && Number(batch) > KEYSPACES_MAX_BATCH) {
    warnings.push(`maxNumberOfRecordsInBatch: ${batch} lowered to ${KEYSPACES_MAX_BATCH}, the Keyspaces batch quota`);
    batch = String(KEYSPACES_MAX_BATCH);
  }
  const ignoreErrors = take('ignoreErrors');
  if (ignoreErrors !== undefined)
    warnings.push(
      `ignoreErrors: ${ignoreErrors} has no equivalent; records that can never be written go to the dead-letter queue and the rest is retried`,
    );
  if (concurrency !== undefined && Number(concurrency) > 2 * RECOMMENDED_MAX_CONCURRENT_REQUESTS) {
    warnings.push(
      `maxConcurrentRequests: ${concurrency} carried over, far above the recommended ${String(RECOMMENDED_MAX_CONCURRENT_REQUESTS)}: here it is per Lambda instance, and the cluster sees it times the concurrent invocations (up to 5 per poller); lower it unless the cluster was sized for that`,
    );
  }
  if (concurrency === undefined && batch === undefined) return undefined;
  return {
    ...(concurrency === undefined ? {} : { maxConcurrentRequests: Number(concurrency) }),
    ...(batch === undefined ? {} : { maxNumberOfRecordsInBatch: Number(batch) }),
  };
}
