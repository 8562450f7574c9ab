import { describe, expect, it } from 'vitest';
import { SELF_MANAGED_DESCRIBE_ACTIONS } from '../../infra/constructs/kafka-source.js';
import { loadExample, synth, type Synthesized } from './support/synth.js';

/*
 * Least privilege, from the synthesized templates of every example
 * deployment: no `*` action, no `*` resource, wildcards only where cdk-nag
 * was told why, secrets readable by the two function roles only, and KMS key
 * policies that give nobody but the account's own administrators the key.
 */

interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** Action patterns with a wildcard that cdk-nag findings acknowledge with a reason (infra/stacks/nag-acknowledgements.ts). */
const ACKNOWLEDGED_ACTION_WILDCARDS = new Set(['kms:GenerateDataKey*', 'kms:ReEncrypt*']);
/** Resource wildcards acknowledged there: one object per oversized dead letter; the driver's reads of the Keyspaces system keyspaces. */
const ACKNOWLEDGED_RESOURCE_WILDCARDS = [
  /^<DeadLetterOverflowBucket[0-9A-F]+\.Arn>\/\*$/,
  /:cassandra:[a-z0-9-]+:\d{12}:\/keyspace\/system\*$/,
  // Self-managed Kafka pollers' network interfaces, named by EC2.
  /^arn:<AWS::Partition>:ec2:[a-z0-9-]+:\d{12}:network-interface\/\*$/,
];
/** The only actions that may have the "*" resource: EC2 describe actions, which support no resource-level permissions. */
const UNSCOPABLE_ACTIONS = new Set<string>(SELF_MANAGED_DESCRIBE_ACTIONS);

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** A resource as text: intrinsics rendered the way cdk-nag names them (`<Logical.Arn>`). */
function resourceText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.map(String).join('.')}>`;
    if (typeof object.Ref === 'string') return object.Ref === 'AWS::Partition' ? '<AWS::Partition>' : `<${object.Ref}>`;
    const join = object['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) return (join[1] as unknown[]).map(resourceText).join(String(join[0]));
    return JSON.stringify(value);
  }
  return String(value);
}

function resourcesOf(template: Record<string, unknown>): [string, Resource][] {
  return Object.entries((template.Resources ?? {}) as Record<string, Resource>);
}

/** Every IAM statement (policies and inline role policies) with the roles it is attached to. */
function iamStatements(template: Record<string, unknown>): { id: string; roles: string[]; statement: Statement }[] {
  const out: { id: string; roles: string[]; statement: Statement }[] = [];
  for (const [id, resource] of resourcesOf(template)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      const roles = asList(props.Roles as unknown[] | undefined).map(resourceText);
      for (const statement of asList((props.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement))
        out.push({ id, roles, statement });
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of asList(props.Policies as { PolicyDocument?: { Statement?: Statement[] } }[] | undefined)) {
        for (const statement of asList(policy.PolicyDocument?.Statement)) out.push({ id, roles: [`<${id}>`], statement });
      }
    }
  }
  return out;
}

const EXAMPLES = ['msk-cassandra.yaml', 'msk-keyspaces.yaml', 'self-managed-astra.yaml', 'dev-keyspaces.yaml'];

describe.each(EXAMPLES)('least privilege: %s', (example) => {
  let synthesized: Synthesized | undefined;
  const templates = (): [string, Record<string, unknown>][] => {
    synthesized ??= synth(loadExample(example));
    return Object.entries(synthesized.templates).map(([stack, template]) => [stack, template.toJSON()]);
  };

  it('cdk-nag (AwsSolutions) reports nothing unacknowledged', () => {
    templates();
    expect(synthesized?.nagFindings).toEqual([]);
  });

  it('no "*" action, no service-wide action, no NotAction/NotResource; action wildcards only where acknowledged', () => {
    for (const [stack, template] of templates()) {
      for (const { id, statement } of iamStatements(template)) {
        expect(statement.NotAction, `${stack}/${id}`).toBeUndefined();
        expect(statement.NotResource, `${stack}/${id}`).toBeUndefined();
        for (const action of asList(statement.Action)) {
          expect(action === '*' || action.endsWith(':*'), `${stack}/${id}: ${action}`).toBe(false);
          if (action.includes('*'))
            expect(ACKNOWLEDGED_ACTION_WILDCARDS.has(action), `${stack}/${id}: ${action} is not acknowledged`).toBe(true);
        }
      }
    }
  });

  it('no "*" resource except for EC2 describe actions; resource wildcards only where acknowledged', () => {
    let wildcards = 0;
    for (const [stack, template] of templates()) {
      for (const { id, statement } of iamStatements(template)) {
        for (const resource of asList(statement.Resource).map(resourceText)) {
          if (resource === '*') {
            const scopable = asList(statement.Action).filter((action) => !UNSCOPABLE_ACTIONS.has(action));
            expect(scopable, `${stack}/${id}: "*" resource for actions that can be scoped`).toEqual([]);
            continue;
          }
          if (resource.includes('*')) {
            expect(
              ACKNOWLEDGED_RESOURCE_WILDCARDS.some((pattern) => pattern.test(resource)),
              `${stack}/${id}: ${resource} is not acknowledged`,
            ).toBe(true);
            wildcards++;
          }
        }
      }
    }
    // Every example has the overflow bucket's object wildcard: the check above did see resources as cdk-nag names them.
    expect(wildcards).toBeGreaterThan(0);
  });

  it('secrets are readable only by the sink and replay function roles, each secret named exactly', () => {
    for (const [stack, template] of templates()) {
      for (const { id, roles, statement } of iamStatements(template)) {
        const actions = asList(statement.Action).filter((action) => action.startsWith('secretsmanager:'));
        if (actions.length === 0) continue;
        expect(
          actions.every((action) => action === 'secretsmanager:GetSecretValue' || action === 'secretsmanager:DescribeSecret'),
          `${stack}/${id}: ${actions.join(', ')}`,
        ).toBe(true);
        for (const role of roles) expect(role, `${stack}/${id}`).toMatch(/^<(SinkFunction|ReplayFunction)ServiceRole[0-9A-F]+>$/);
        for (const resource of asList(statement.Resource).map(resourceText)) {
          expect(resource.includes('*'), `${stack}/${id}: ${resource}`).toBe(false);
        }
      }
      for (const [id, resource] of resourcesOf(template)) {
        if (resource.Type !== 'AWS::SecretsManager::ResourcePolicy') continue;
        expect(JSON.stringify(resource.Properties?.ResourcePolicy), `${stack}/${id}`).not.toMatch(/"Principal":\s*(?:"\*"|\{"AWS":"\*"\})/);
      }
    }
  });

  it('KMS keys rotate, and their policies give the key to the account root only (never to "*")', () => {
    for (const [stack, template] of templates()) {
      for (const [id, resource] of resourcesOf(template)) {
        if (resource.Type !== 'AWS::KMS::Key') continue;
        expect(resource.Properties?.EnableKeyRotation, `${stack}/${id}`).toBe(true);
        const statements = asList((resource.Properties?.KeyPolicy as { Statement?: Statement[] } | undefined)?.Statement);
        expect(statements.length).toBeGreaterThan(0);
        for (const statement of statements) {
          const principal = JSON.stringify(statement.Principal);
          expect(principal, `${stack}/${id}`).not.toMatch(/^"\*"$|"AWS":"\*"/);
          if (asList(statement.Action).some((action) => action === 'kms:*')) {
            // The account root: administration stays with the account's IAM policies (the CDK default key policy).
            expect(resourceText((statement.Principal as { AWS?: unknown } | undefined)?.AWS), `${stack}/${id}`).toMatch(
              /^arn:<AWS::Partition>:iam::\d{12}:root$/,
            );
          } else if (statement.Principal !== undefined && JSON.stringify(statement.Principal).includes('Service')) {
            // A service principal (logs, sqs…) must be limited by a condition to this account's resources.
            expect(statement.Condition, `${stack}/${id}: service principal without a condition`).toBeDefined();
          }
        }
      }
    }
  });
});
