import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SinkConfig } from '../../lambdas/core/config/schema.js';
import { parseTableName } from '../../lambdas/core/config/table-name.js';
import { PLACEHOLDER_USERNAME } from '../../lambdas/contract/placeholder-secret.js';
import { bundleS3Object, referencedSecretArns } from '../config/secret.js';

export interface ConnectionAccessProps {
  /** The sink config as bundled (a created secret's partial ARN included). */
  readonly sink: SinkConfig;
  /**
   * Create the credentials secret under this name; its value is generated
   * (never in the template) and replaced by the operator after deploy.
   * @default - no secret is created; the sink config's ARNs are used
   */
  readonly createSecretName?: string;
}

/**
 * What the functions need to reach the database: read access to the secrets the
 * sink config names (or to the one created here), the Astra bundle in S3, and
 * for Keyspaces the cassandra:Modify/Select permissions on the sink's tables.
 */
export class ConnectionAccess extends Construct {
  /** The created credentials secret, if any. */
  readonly secret?: secretsmanager.Secret;
  private readonly props: ConnectionAccessProps;

  constructor(scope: Construct, id: string, props: ConnectionAccessProps) {
    super(scope, id);
    this.props = props;
    if (props.createSecretName !== undefined) {
      const profile = props.sink.connection.profile;
      this.secret = new secretsmanager.Secret(this, 'Secret', {
        secretName: props.createSecretName,
        description: `kafka-cql-sink ${profile} credentials: replace the generated password${profile === 'astra' ? ' with the AstraCS token' : ''} after deploy`,
        generateSecretString: {
          // The sink recognizes this placeholder at init (lambdas/adapters/created-secret.ts); changing it would regenerate deployed values.
          secretStringTemplate: JSON.stringify({ username: profile === 'astra' ? 'token' : PLACEHOLDER_USERNAME }),
          generateStringKey: 'password',
          excludePunctuation: true,
        },
      });
    }
  }

  grantTo(grantee: lambda.IFunction): void {
    const { sink } = this.props;
    this.secret?.grantRead(grantee);
    const created = this.props.createSecretName;
    const imported = referencedSecretArns(sink).filter((arn) => created === undefined || !arn.endsWith(`:secret:${created}`));
    if (imported.length > 0) {
      grantee.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: imported.flatMap(secretResources) }),
      );
    }
    const bundle = bundleS3Object(sink);
    if (bundle !== undefined) {
      const arn = Stack.of(this).formatArn({ service: 's3', region: '', account: '', resource: bundle.bucket, resourceName: bundle.key });
      grantee.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [arn] }));
    }
    if (sink.connection.profile === 'keyspaces') this.grantKeyspaces(grantee, sink.connection.region);
  }

  /**
   * Writes (Modify) and reads (Select: the writer reads table metadata) on the
   * sink's tables only, and Select on the system keyspaces the driver queries
   * for peers and schema.
   */
  private grantKeyspaces(grantee: lambda.IFunction, region: string): void {
    const stack = Stack.of(this);
    // Keyspaces resource ARNs have an empty resource type: `arn:aws:cassandra:<region>:<account>:/keyspace/<ks>/table/<t>`.
    const arn = (resource: string) => `arn:${stack.partition}:cassandra:${region}:${stack.account}:/${resource}`;
    const tables = new Set<string>();
    for (const topic of Object.values(this.props.sink.topics)) {
      for (const key of Object.keys(topic.tables)) {
        const name = parseTableName(key);
        if (name !== undefined) tables.add(arn(`keyspace/${name.keyspace}/table/${name.table}`));
      }
    }
    grantee.addToRolePolicy(new iam.PolicyStatement({ actions: ['cassandra:Modify', 'cassandra:Select'], resources: [...tables] }));
    grantee.addToRolePolicy(new iam.PolicyStatement({ actions: ['cassandra:Select'], resources: [arn('keyspace/system*')] }));
  }
}

/** A complete ARN as is; a partial one (no random suffix) with the suffix wildcard IAM needs. */
function secretResources(arn: string): string[] {
  return /-[A-Za-z0-9]{6}$/.test(arn) ? [arn] : [arn, `${arn}-??????`];
}
