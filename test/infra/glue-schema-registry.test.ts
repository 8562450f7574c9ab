import { describe, expect, it } from 'vitest';
import type { DeployConfigInput } from '../../infra/config/deploy-schema.js';
import { parseDeployConfig, resolveDeployment } from '../../infra/config/load.js';
import { ConfigError } from '../../lambdas/core/errors.js';
import { statementsOf } from './support/resources.js';
import { synth, type Synthesized } from './support/synth.js';

/*
 * Glue in the stack: the functions' own glue:GetSchemaVersion for topics in
 * the glue format, and the event source mappings' SchemaRegistryConfig with
 * the permissions Lambda's pollers use through the function role.
 */

const secret = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`;
const network = { vpcId: 'vpc-0a1b2c3d4e5f60718', availabilityZones: ['eu-west-1a'], subnetIds: ['subnet-0a1b2c3d4e5f60718'] };
const kafka = {
  type: 'msk',
  clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/demo/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9-1',
  auth: { type: 'iam' },
} as const;
const registryArn = 'arn:aws:glue:eu-west-1:123456789012:registry/shop-schemas';

function sinkWith(topics: Record<string, object>): object {
  return {
    connection: {
      profile: 'cassandra',
      contactPoints: ['db.internal:9042'],
      localDataCenter: 'dc1',
      credentialsSecretArn: secret('db-AbCdEf'),
    },
    topics: Object.fromEntries(
      Object.entries(topics).map(([topic, settings]) => [topic, { tables: { 'shop.t': { mapping: 'id=key' } }, ...settings }]),
    ),
  };
}

function deployment(sink: object, extra: Partial<DeployConfigInput> = {}) {
  const deploy = parseDeployConfig(
    { env: { account: '123456789012', region: 'eu-west-1' }, sinkConfig: 's.yaml', network, kafka, ...extra },
    'deploy.yaml',
  );
  return resolveDeployment(deploy, sink, 's.yaml');
}

function glueStatements(synthesized: Synthesized, role: string): { Action: unknown; Resource: unknown }[] {
  const template = synthesized.templates.Sink ?? fail();
  return statementsOf(template, role).filter((statement) => [statement.Action].flat().some((action) => action.startsWith('glue:')));
}

function kafkaMapping(synthesized: Synthesized): Record<string, unknown> {
  const all = Object.values(
    (synthesized.templates.Sink ?? fail()).findResources('AWS::Lambda::EventSourceMapping') as Record<
      string,
      { Properties: Record<string, unknown> }
    >,
  );
  const found = all.find((mapping) => mapping.Properties.Topics !== undefined);
  return found?.Properties ?? fail();
}

function fail(): never {
  throw new Error('missing resource');
}

describe("the functions' own Glue reads (glue format)", () => {
  it('grants glue:GetSchemaVersion on the named registry and its schemas only, to the sink and the replay function', () => {
    const synthesized = synth(
      deployment(sinkWith({ orders: { valueFormat: 'glue', glueSchemaRegistry: { registryName: 'shop-schemas' } } })),
    );
    for (const role of ['SinkFunctionServiceRole', 'ReplayFunctionServiceRole']) {
      const statements = glueStatements(synthesized, role);
      expect(statements).toHaveLength(1);
      expect(statements[0]?.Action).toBe('glue:GetSchemaVersion');
      expect(JSON.stringify(statements[0]?.Resource)).toContain(':glue:eu-west-1:123456789012:registry/shop-schemas');
      expect(JSON.stringify(statements[0]?.Resource)).toContain(':glue:eu-west-1:123456789012:schema/shop-schemas/*');
    }
  });

  it("without a registry name: every registry and schema of the account in the registry's region", () => {
    const synthesized = synth(deployment(sinkWith({ orders: { keyFormat: 'glue', glueSchemaRegistry: { region: 'us-east-1' } } })));
    const text = JSON.stringify(glueStatements(synthesized, 'SinkFunctionServiceRole').map((statement) => statement.Resource));
    expect(text).toContain(':glue:us-east-1:123456789012:registry/*');
    expect(text).toContain(':glue:us-east-1:123456789012:schema/*/*');
  });

  it('grants nothing on Glue when no topic reads glue', () => {
    const synthesized = synth(deployment(sinkWith({ orders: {} })));
    expect(glueStatements(synthesized, 'SinkFunctionServiceRole')).toEqual([]);
    expect(kafkaMapping(synthesized)).not.toHaveProperty('AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig');
  });
});

describe("the event source mapping's schema registry integration", () => {
  it('configures a Glue registry with SOURCE delivery and grants the role GetRegistry and GetSchemaVersion on it', () => {
    const synthesized = synth(
      deployment(sinkWith({ orders: { valueFormat: 'glue' } }), {
        eventSource: { schemaRegistry: { type: 'glue', registryArn, eventRecordFormat: 'SOURCE', validate: ['VALUE'] } },
      }),
    );
    expect(kafkaMapping(synthesized)).toMatchObject({
      AmazonManagedKafkaEventSourceConfig: {
        SchemaRegistryConfig: {
          SchemaRegistryURI: registryArn,
          EventRecordFormat: 'SOURCE',
          SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
        },
      },
    });
    const statements = glueStatements(synthesized, 'SinkFunctionServiceRole');
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['glue:GetRegistry', 'glue:GetSchemaVersion']));
    expect(JSON.stringify(statements)).toContain(registryArn);
  });

  it('configures a Confluent registry with JSON delivery and its access secret', () => {
    const synthesized = synth(
      deployment(sinkWith({ orders: { keyFormat: 'json', valueFormat: 'json' } }), {
        eventSource: {
          schemaRegistry: {
            type: 'confluent',
            url: 'https://registry.internal:8081',
            eventRecordFormat: 'JSON',
            validate: ['KEY', 'VALUE'],
            secretArn: secret('registry-AbCdEf'),
          },
        },
      }),
    );
    expect(kafkaMapping(synthesized)).toMatchObject({
      AmazonManagedKafkaEventSourceConfig: {
        SchemaRegistryConfig: {
          SchemaRegistryURI: 'https://registry.internal:8081',
          EventRecordFormat: 'JSON',
          AccessConfigs: [{ Type: 'BASIC_AUTH', URI: secret('registry-AbCdEf') }],
          SchemaValidationConfigs: [{ Attribute: 'KEY' }, { Attribute: 'VALUE' }],
        },
      },
    });
  });

  it('fails at synth when a topic format cannot read what the integration delivers', () => {
    const attempt = () =>
      deployment(sinkWith({ orders: { valueFormat: 'json' } }), {
        eventSource: { schemaRegistry: { type: 'glue', registryArn, eventRecordFormat: 'SOURCE' } },
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      /eventSource.schemaRegistry: glue with eventRecordFormat SOURCE delivers values that topics.orders.valueFormat must read as glue \(got "json"\)/,
    );
    expect(() =>
      parseDeployConfig(
        {
          env: { account: '123456789012', region: 'eu-west-1' },
          sinkConfig: 's.yaml',
          network,
          kafka,
          eventSource: { schemaRegistry: { type: 'glue', registryArn: 'shop', eventRecordFormat: 'JSON' } },
        },
        'deploy.yaml',
      ),
    ).toThrow(/eventSource.schemaRegistry.registryArn: expected a Glue registry ARN/);
  });
});
