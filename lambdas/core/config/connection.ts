import { z } from 'zod';

/** Secrets are referenced, never inlined: the config ends up in CloudFormation and logs. */
export const secretArnSchema = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
    'expected a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)',
  );

const contactPointSchema = z
  .string()
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+)(:([1-9]\d{0,4}))?$/, 'expected "host" or "host:port" (IPv6 as "[addr]:port")')
  .refine((point) => Number(/:(\d+)$/.exec(point)?.[1] ?? 1) <= 65535, 'port must be at most 65535')
  .describe('"host" or "host:port"; a point without a port uses `port`.');

const cassandraSchema = z
  .object({
    profile: z.literal('cassandra').describe('Apache Cassandra 4/5 or ScyllaDB reached by contact points.'),
    contactPoints: z
      .array(contactPointSchema)
      .min(1)
      .describe('Initial nodes to contact; the driver discovers the rest of the cluster (connector: contactPoints).'),
    localDataCenter: z
      .string()
      .min(1)
      .describe('Data center the Lambda is closest to; only its nodes are queried (connector: loadBalancing.localDc).'),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(9042)
      .describe('Native protocol port for contact points given without one (connector: port).'),
    tls: z
      .object({
        caSecretArn: secretArnSchema.optional().describe('Secret holding the PEM CA bundle that signed the node certificates.'),
        caFile: z
          .string()
          .min(1)
          .optional()
          .describe('Path of a PEM CA bundle shipped with the function or local runner (use caSecretArn in AWS).'),
        rejectUnauthorized: z
          .boolean()
          .default(true)
          .describe('Verify node certificates against the CA (and host names); turn off only for a throwaway test cluster.'),
        checkHostname: z
          .boolean()
          .default(true)
          .describe(
            'Check that a node certificate names the host connected to. false keeps certificate verification against the CA and skips only the name check, for nodes reached by addresses their certificates do not list (connector: ssl.hostnameValidation=false).',
          ),
      })
      .strict()
      .refine((tls) => tls.caSecretArn === undefined || tls.caFile === undefined, {
        error: 'give caSecretArn or caFile, not both',
        path: ['caFile'],
      })
      .optional()
      .describe('Connect with TLS. Without a CA the Node.js default trust store is used.'),
    credentialsSecretArn: secretArnSchema
      .optional()
      .describe(
        'Secret whose JSON has `username` and `password` for PLAIN authentication (connector: auth.username/auth.password). Omit for a cluster without authentication.',
      ),
  })
  .strict();

const astraSchema = z
  .object({
    profile: z.literal('astra').describe('DataStax Astra DB.'),
    secureConnectBundle: z
      .union([
        z.object({ secretArn: secretArnSchema.describe('Secret whose binary value is the bundle zip.') }).strict(),
        z
          .object({
            s3Uri: z
              .string()
              .regex(/^s3:\/\/[^/]+\/.+$/, 'expected s3://bucket/key')
              .describe('S3 object holding the bundle zip.'),
          })
          .strict(),
      ])
      .describe(
        'Where the secure connect bundle is; it is copied to /tmp at start because the driver reads it from disk (connector: cloud.secureConnectBundle).',
      ),
    tokenSecretArn: secretArnSchema.describe('Secret holding the application token (AstraCS:…), used as the password of user "token".'),
  })
  .strict();

const keyspacesSchema = z
  .object({
    profile: z
      .literal('keyspaces')
      .describe('Amazon Keyspaces: `cassandra.<region>.amazonaws.com:9142` over TLS; local data center = region.'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region such as eu-west-1')
      .describe('AWS region of the keyspace.'),
    auth: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('sigv4').describe('Sign requests with the function role (SigV4).') }).strict(),
        z
          .object({
            type: z.literal('service-specific').describe('Service-specific credentials of an IAM user.'),
            secretArn: secretArnSchema.describe('Secret whose JSON has `username` and `password`.'),
          })
          .strict(),
      ])
      .prefault({ type: 'sigv4' })
      .describe('How to authenticate to Keyspaces.'),
  })
  .strict();

export const connectionSchema = z
  .discriminatedUnion('profile', [cassandraSchema, astraSchema, keyspacesSchema])
  .describe('Which database to write to and how to reach it.');

export type ConnectionConfig = z.output<typeof connectionSchema>;
export type ConnectionProfile = ConnectionConfig['profile'];
