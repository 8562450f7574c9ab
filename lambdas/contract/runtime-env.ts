import { z } from 'zod';
import { describeIssues } from '../core/config/issues.js';
import { ConfigError } from '../core/errors.js';
import { parseRecordFilter, type RecordFilter } from '../core/filter/index.js';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from './metric-names.js';

/**
 * The runtime contract between the stack and the functions: the environment
 * variables the sink and replay functions read. Infra writes it with
 * `writeRuntimeEnvironment` from typed values; the functions (and the local
 * runner, the CLI, the bench) read it with `readRuntimeEnvironment`, which
 * validates every variable and names the bad one with its value. No imports
 * beyond core and zod: the CDK app loads this without the AWS SDK.
 */

/** The variable names, one place. */
export const RuntimeVariable = {
  /** Path of the bundled sink config (YAML or JSON). */
  sinkConfigFile: 'SINK_CONFIG_FILE',
  /** The sink config as inline JSON (local runs, tests), read when SINK_CONFIG_FILE is unset. */
  sinkConfig: 'SINK_CONFIG',
  dlqUrl: 'DLQ_URL',
  dlqOverflowBucket: 'DLQ_OVERFLOW_BUCKET',
  dlqMaxMessageBytes: 'DLQ_MAX_MESSAGE_BYTES',
  createdConnectionSecretArn: 'CREATED_CONNECTION_SECRET_ARN',
  kafkaAuth: 'KAFKA_AUTH',
  kafkaClusterArn: 'KAFKA_CLUSTER_ARN',
  kafkaBootstrapServers: 'KAFKA_BOOTSTRAP_SERVERS',
  kafkaTls: 'KAFKA_TLS',
  kafkaAuthSecretArn: 'KAFKA_AUTH_SECRET_ARN',
  kafkaRootCaSecretArn: 'KAFKA_ROOT_CA_SECRET_ARN',
  kafkaFilters: 'KAFKA_FILTERS',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Read by Powertools itself: DEBUG, INFO, WARN, ERROR, SILENT. */
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  /** Read by Powertools itself: `true` publishes no metrics (local runs, bench, tests). */
  metricsDisabled: 'POWERTOOLS_METRICS_DISABLED',
  /** Read by Powertools itself: pretty-printed logs. */
  powertoolsDev: 'POWERTOOLS_DEV',
  nodeOptions: 'NODE_OPTIONS',
  // Set by Lambda or the AWS SDK's environment, never by the stack:
  region: 'AWS_REGION',
  defaultRegion: 'AWS_DEFAULT_REGION',
  functionName: 'AWS_LAMBDA_FUNCTION_NAME',
  functionVersion: 'AWS_LAMBDA_FUNCTION_VERSION',
  /** (AWS SDK) every AWS call goes to this endpoint: an emulator. */
  awsEndpointUrl: 'AWS_ENDPOINT_URL',
} as const;

/** Defaults of what the functions read when a variable is unset. */
export const RuntimeDefaults = {
  serviceName: DEFAULT_SERVICE_NAME,
  metricsNamespace: DEFAULT_METRICS_NAMESPACE,
  /** The dead-letter origin outside Lambda (local runs). */
  functionName: 'kafka-cql-sink',
  functionVersion: '$LATEST',
} as const;

/** An environment as a process has it. */
export type RawEnvironment = Readonly<Record<string, string | undefined>>;

/** What the stack (and the local runner) write: every value typed, every one optional. */
export interface RuntimeEnvironmentValues {
  /** Dead-letter queue URL. */
  readonly dlqUrl?: string;
  /** S3 bucket for dead letters too large for SQS. */
  readonly dlqOverflowBucket?: string;
  /** The queue's MaximumMessageSize. @default 262144 (the dead-letter sink's default) */
  readonly dlqMaxMessageBytes?: number;
  /** The credentials secret the stack created with a placeholder: the functions refuse to start while it holds it. */
  readonly createdConnectionSecretArn?: string;
  /** How the replay function authenticates to Kafka (the deployment's spelling, e.g. `iam`, `sasl-scram-512`). @default none */
  readonly kafkaAuth?: string;
  /** MSK cluster: brokers from GetBootstrapBrokers. */
  readonly kafkaClusterArn?: string;
  /** Brokers when there is no cluster ARN. */
  readonly kafkaBootstrapServers?: readonly string[];
  /** TLS to the bootstrap servers for none/plain/SCRAM. @default false */
  readonly kafkaTls?: boolean;
  /** The SASL secret ({username, password}). */
  readonly kafkaAuthSecretArn?: string;
  /** The PEM root CA of brokers signed by a private CA. */
  readonly kafkaRootCaSecretArn?: string;
  /** The mappings' filter patterns (an empty list is not written). @default - no filter */
  readonly kafkaFilters?: readonly unknown[];
  /** Service name on logs and metrics. @default "kafka-cql-sink" */
  readonly serviceName?: string;
  /** CloudWatch namespace of the metrics. @default "KafkaCqlSink" */
  readonly metricsNamespace?: string;
  /** Path of the bundled sink config. */
  readonly sinkConfigFile?: string;
  /** The sink config as JSON text. */
  readonly sinkConfig?: string;
  readonly nodeOptions?: string;
  /** Set by Lambda; a local run names itself here (the origin in its dead letters). */
  readonly functionName?: string;
}

/** What the functions read: validated, typed, defaults applied. */
export interface RuntimeEnvironment extends Omit<
  RuntimeEnvironmentValues,
  'kafkaFilters' | 'serviceName' | 'metricsNamespace' | 'functionName'
> {
  /** The mappings' filters, validated (NO_FILTER when unset). */
  readonly kafkaFilters: RecordFilter;
  readonly serviceName: string;
  readonly metricsNamespace: string;
  /** AWS_REGION, else AWS_DEFAULT_REGION. */
  readonly region?: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly awsEndpointUrl?: string;
}

const TRUE = ['1', 'true', 'yes'];
const FALSE = ['0', 'false', 'no'];

/** An empty (or blank) variable counts as unset, as a shell's `VAR=` does. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());
}

const text = () => optional(z.string());

/** Each variable the functions read, with its type; unset or empty is undefined. */
const runtimeEnvironmentSchema = z.object({
  [RuntimeVariable.sinkConfigFile]: text(),
  [RuntimeVariable.sinkConfig]: text(),
  [RuntimeVariable.dlqUrl]: text(),
  [RuntimeVariable.dlqOverflowBucket]: text(),
  [RuntimeVariable.dlqMaxMessageBytes]: optional(
    z
      .string()
      .regex(/^[1-9]\d*$/, 'expected a positive whole number of bytes')
      .transform(Number),
  ),
  [RuntimeVariable.createdConnectionSecretArn]: text(),
  [RuntimeVariable.kafkaAuth]: text(),
  [RuntimeVariable.kafkaClusterArn]: text(),
  [RuntimeVariable.kafkaBootstrapServers]: optional(z.string().transform(splitServers)),
  [RuntimeVariable.kafkaTls]: optional(
    z
      .string()
      .refine((value) => [...TRUE, ...FALSE].includes(value.toLowerCase()), `expected one of ${[...TRUE, ...FALSE].join(', ')}`)
      .transform((value) => TRUE.includes(value.toLowerCase())),
  ),
  [RuntimeVariable.kafkaAuthSecretArn]: text(),
  [RuntimeVariable.kafkaRootCaSecretArn]: text(),
  [RuntimeVariable.kafkaFilters]: text(),
  [RuntimeVariable.serviceName]: text(),
  [RuntimeVariable.metricsNamespace]: text(),
  [RuntimeVariable.nodeOptions]: text(),
  [RuntimeVariable.region]: text(),
  [RuntimeVariable.defaultRegion]: text(),
  [RuntimeVariable.functionName]: text(),
  [RuntimeVariable.functionVersion]: text(),
  [RuntimeVariable.awsEndpointUrl]: text(),
});

/** `a:9092, b:9092` → [`a:9092`, `b:9092`]. */
export function splitServers(list: string): string[] {
  return list
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server !== '');
}

/**
 * Reads and validates the environment. Throws one ConfigError listing every
 * bad variable as `environment variable <NAME>: <problem> (got <value>)`.
 */
export function readRuntimeEnvironment(env: RawEnvironment): RuntimeEnvironment {
  const result = runtimeEnvironmentSchema.safeParse(env, { reportInput: true });
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues, runtimeEnvironmentSchema, 'environment variable '));
  const v = result.data;
  const region = v[RuntimeVariable.region] ?? v[RuntimeVariable.defaultRegion];
  return defined({
    sinkConfigFile: v[RuntimeVariable.sinkConfigFile],
    sinkConfig: v[RuntimeVariable.sinkConfig],
    dlqUrl: v[RuntimeVariable.dlqUrl],
    dlqOverflowBucket: v[RuntimeVariable.dlqOverflowBucket],
    dlqMaxMessageBytes: v[RuntimeVariable.dlqMaxMessageBytes],
    createdConnectionSecretArn: v[RuntimeVariable.createdConnectionSecretArn],
    kafkaAuth: v[RuntimeVariable.kafkaAuth],
    kafkaClusterArn: v[RuntimeVariable.kafkaClusterArn],
    kafkaBootstrapServers: v[RuntimeVariable.kafkaBootstrapServers]?.length === 0 ? undefined : v[RuntimeVariable.kafkaBootstrapServers],
    kafkaTls: v[RuntimeVariable.kafkaTls],
    kafkaAuthSecretArn: v[RuntimeVariable.kafkaAuthSecretArn],
    kafkaRootCaSecretArn: v[RuntimeVariable.kafkaRootCaSecretArn],
    // Bad JSON or a bad pattern: a ConfigError naming KAFKA_FILTERS, the path and the value.
    kafkaFilters: parseRecordFilter(v[RuntimeVariable.kafkaFilters], RuntimeVariable.kafkaFilters),
    serviceName: v[RuntimeVariable.serviceName] ?? RuntimeDefaults.serviceName,
    metricsNamespace: v[RuntimeVariable.metricsNamespace] ?? RuntimeDefaults.metricsNamespace,
    nodeOptions: v[RuntimeVariable.nodeOptions],
    region,
    functionName: v[RuntimeVariable.functionName] ?? RuntimeDefaults.functionName,
    functionVersion: v[RuntimeVariable.functionVersion] ?? RuntimeDefaults.functionVersion,
    awsEndpointUrl: v[RuntimeVariable.awsEndpointUrl],
  });
}

/**
 * The environment variables for typed values, in one fixed order (a
 * template's Environment keeps it, so a synthesized function does not change
 * when code is moved). Unset values are left out; so is an empty filter list.
 * Values may be CDK tokens.
 */
export function writeRuntimeEnvironment(values: RuntimeEnvironmentValues): Record<string, string> {
  const filters = values.kafkaFilters === undefined || values.kafkaFilters.length === 0 ? undefined : JSON.stringify(values.kafkaFilters);
  const entries: [string, string | undefined][] = [
    [RuntimeVariable.dlqUrl, values.dlqUrl],
    [RuntimeVariable.dlqOverflowBucket, values.dlqOverflowBucket],
    [RuntimeVariable.dlqMaxMessageBytes, values.dlqMaxMessageBytes === undefined ? undefined : String(values.dlqMaxMessageBytes)],
    [RuntimeVariable.createdConnectionSecretArn, values.createdConnectionSecretArn],
    [RuntimeVariable.kafkaAuth, values.kafkaAuth],
    [RuntimeVariable.kafkaClusterArn, values.kafkaClusterArn],
    [RuntimeVariable.kafkaBootstrapServers, values.kafkaBootstrapServers?.join(',')],
    [RuntimeVariable.kafkaTls, values.kafkaTls === undefined ? undefined : String(values.kafkaTls)],
    [RuntimeVariable.kafkaAuthSecretArn, values.kafkaAuthSecretArn],
    [RuntimeVariable.kafkaRootCaSecretArn, values.kafkaRootCaSecretArn],
    [RuntimeVariable.kafkaFilters, filters],
    [RuntimeVariable.serviceName, values.serviceName],
    [RuntimeVariable.metricsNamespace, values.metricsNamespace],
    [RuntimeVariable.sinkConfigFile, values.sinkConfigFile],
    [RuntimeVariable.sinkConfig, values.sinkConfig],
    [RuntimeVariable.nodeOptions, values.nodeOptions],
    [RuntimeVariable.functionName, values.functionName],
  ];
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Leaves out undefined fields (exactOptionalPropertyTypes). */
function defined<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
