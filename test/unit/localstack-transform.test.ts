import { describe, expect, it } from 'vitest';
import {
  danglingImports,
  danglingReferences,
  transformForLocalstack,
  type CfnResource,
  type CfnTemplate,
} from '../deploy/support/localstack-transform.js';

const fn = (): CfnResource => ({ Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } });
const role = (): CfnResource => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
  },
});
const queue = (): CfnResource => ({ Type: 'AWS::SQS::Queue', Properties: {} });

function one(template: CfnTemplate, options?: Parameters<typeof transformForLocalstack>[1]): { template: CfnTemplate; removed: string[] } {
  const { templates, removals } = transformForLocalstack({ Stack: template }, options);
  return { template: templates.Stack ?? {}, removed: removals.map((removal) => removal.logicalId) };
}

describe('transformForLocalstack', () => {
  it('removes the listed types and leaves other resources and the input alone', () => {
    const input: CfnTemplate = { Resources: { Fn: fn(), Role: role(), Queue: queue() } };
    const { template, removed } = one(input);
    expect(removed).toEqual(['Fn']);
    expect(Object.keys(template.Resources ?? {})).toEqual(['Role', 'Queue']);
    expect(Object.keys(input.Resources ?? {})).toEqual(['Fn', 'Role', 'Queue']);
  });

  it('matches a type prefix ending in * and removes AWS:: types missing from supportedTypes', () => {
    const { removed } = one(
      {
        Resources: {
          Cluster: { Type: 'AWS::MSK::Cluster' },
          Eip: { Type: 'AWS::EC2::EIP' },
          Queue: queue(),
          Custom: { Type: 'Custom::Thing', Properties: { ServiceToken: 'arn:x' } },
        },
      },
      { removeTypes: ['AWS::MSK::*'], supportedTypes: ['aws::sqs::queue'] },
    );
    expect(removed.sort()).toEqual(['Cluster', 'Eip']);
  });

  it('removes what refers to a removed resource through Ref, Fn::GetAtt (both forms) and Fn::Sub', () => {
    const { template, removed } = one({
      Resources: {
        Fn: fn(),
        Role: role(),
        Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'Fn' } }] } },
        Permission: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { 'Fn::GetAtt': 'Fn.Arn' } } },
        Custom: { Type: 'Custom::LogRetention', Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
        Group: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Sub': '/aws/lambda/${Fn}' } } },
        // Depends on the custom resource above: removed in a second round.
        Chained: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::GetAtt': ['Custom', 'Name'] } } },
        // A Sub variable of the same name and an escaped ${!Fn} are not references.
        Kept: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::Sub': ['${Fn}-${!Fn}', { Fn: 'literal' }] } } },
      },
    });
    expect(removed.sort()).toEqual(['Alarm', 'Chained', 'Custom', 'Fn', 'Group', 'Permission']);
    expect(Object.keys(template.Resources ?? {}).sort()).toEqual(['Kept', 'Role']);
  });

  it('drops DependsOn entries naming removed resources, as a list or a single name', () => {
    const { template } = one({
      Resources: {
        Fn: fn(),
        Role: role(),
        A: { ...queue(), DependsOn: ['Fn', 'Role'] },
        B: { ...queue(), DependsOn: 'Fn' },
      },
    });
    expect(template.Resources?.A?.DependsOn).toEqual(['Role']);
    expect(template.Resources?.B).not.toHaveProperty('DependsOn');
  });

  it('prunes policy statements and resources naming removed resources, keeping the rest of the policy', () => {
    const { template, removed } = one({
      Resources: {
        Fn: fn(),
        Role: role(),
        Queue: queue(),
        Policy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            Roles: [{ Ref: 'Role' }],
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': ['Fn', 'Arn'] } },
                {
                  Effect: 'Allow',
                  Action: 'sqs:SendMessage',
                  Resource: [{ 'Fn::GetAtt': ['Queue', 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Fn', 'Arn'] }, ':*']] }],
                },
                {
                  Effect: 'Allow',
                  Action: 's3:GetObject',
                  Resource: '*',
                  Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
                },
              ],
            },
          },
        },
      },
    });
    expect(removed).toEqual(['Fn']);
    expect(template.Resources?.Policy?.Properties?.PolicyDocument).toEqual({
      Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: [{ 'Fn::GetAtt': ['Queue', 'Arn'] }] }],
    });
  });

  it('removes a policy left without statements, and one attached to a removed role', () => {
    const { removed } = one(
      {
        Resources: {
          Fn: fn(),
          Role: role(),
          Only: {
            Type: 'AWS::IAM::Policy',
            Properties: {
              Roles: [{ Ref: 'Role' }],
              PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { Ref: 'Fn' } }] },
            },
          },
          QueuePolicy: {
            Type: 'AWS::SQS::QueuePolicy',
            Properties: {
              Queues: ['q'],
              PolicyDocument: {
                Statement: [{ Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['Fn', 'Arn'] } }, Action: 'sqs:*', Resource: '*' }],
              },
            },
          },
          Attached: {
            Type: 'AWS::IAM::Policy',
            Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] } },
          },
        },
      },
      { removeTypes: ['AWS::Lambda::Function', 'AWS::IAM::Role'] },
    );
    expect(removed.sort()).toEqual(['Attached', 'Fn', 'Only', 'QueuePolicy', 'Role']);
  });

  it("drops a role's inline policy left without statements and keeps the role", () => {
    const { template, removed } = one(
      {
        Resources: {
          Fn: fn(),
          Other: {
            Type: 'AWS::IAM::Role',
            Properties: {
              AssumeRolePolicyDocument: {
                Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }],
              },
              Policies: [
                {
                  PolicyName: 'invoke',
                  PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { Ref: 'Fn' } }] },
                },
                { PolicyName: 'logs', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] } },
              ],
            },
          },
        },
        Outputs: {},
      },
      { removeTypes: ['AWS::Lambda::Function'] },
    );
    expect(removed).toEqual(['Fn']);
    expect((template.Resources?.Other?.Properties?.Policies as { PolicyName: string }[]).map((policy) => policy.PolicyName)).toEqual([
      'logs',
    ]);
  });

  it('rewrites a dashboard body without the widgets that mention a removed resource', () => {
    const widget = (title: string): string =>
      `{"type":"metric","properties":{"title":"${title}","metrics":[["AWS/Lambda","Errors","FunctionName","`;
    const { template, removed } = one({
      Resources: {
        Fn: fn(),
        Queue: queue(),
        Dashboard: {
          Type: 'AWS::CloudWatch::Dashboard',
          Properties: {
            DashboardName: 'd',
            DashboardBody: {
              'Fn::Join': [
                '',
                [
                  '{"widgets":[',
                  widget('fn'),
                  { Ref: 'Fn' },
                  '"]]}},',
                  widget('queue'),
                  { 'Fn::GetAtt': ['Queue', 'QueueName'] },
                  '"]]}}]}',
                ],
              ],
            },
          },
        },
      },
    });
    expect(removed).toEqual(['Fn']);
    const body = template.Resources?.Dashboard?.Properties?.DashboardBody as { 'Fn::Join': [string, unknown[]] };
    const [, parts] = body['Fn::Join'];
    expect(parts).toEqual([`{"widgets":[${widget('queue')}`, { 'Fn::GetAtt': ['Queue', 'QueueName'] }, '"]]}}]}']);
  });

  it('removes a dashboard left without widgets', () => {
    const { removed } = one({
      Resources: {
        Fn: fn(),
        Dashboard: {
          Type: 'AWS::CloudWatch::Dashboard',
          Properties: { DashboardBody: { 'Fn::Join': ['', ['{"widgets":[{"title":"', { Ref: 'Fn' }, '"}]}']] } },
        },
      },
    });
    expect(removed.sort()).toEqual(['Dashboard', 'Fn']);
  });

  it('removes outputs naming removed resources, and resources in other templates importing their exports', () => {
    const { templates, removals } = transformForLocalstack(
      {
        Dev: {
          Resources: { Cluster: { Type: 'AWS::MSK::Cluster' }, Vpc: { Type: 'AWS::EC2::VPC' } },
          Outputs: {
            ClusterArn: { Value: { Ref: 'Cluster' } },
            Export: { Value: { Ref: 'Cluster' }, Export: { Name: 'Dev:ClusterArn' } },
            VpcId: { Value: { Ref: 'Vpc' }, Export: { Name: 'Dev:VpcId' } },
          },
        },
        Sink: {
          Resources: {
            Access: {
              Type: 'AWS::IAM::Policy',
              Properties: {
                Roles: ['r'],
                PolicyDocument: {
                  Statement: [
                    { Effect: 'Allow', Action: 'kafka:*', Resource: { 'Fn::ImportValue': 'Dev:ClusterArn' } },
                    { Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
                  ],
                },
              },
            },
            Mapping: { Type: 'AWS::Pipes::Pipe', Properties: { Source: { 'Fn::ImportValue': 'Dev:ClusterArn' } } },
            Group: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: { 'Fn::ImportValue': 'Dev:VpcId' } } },
          },
        },
      },
      { removeTypes: ['AWS::MSK::*'] },
    );
    expect(removals.map((removal) => `${removal.template}/${removal.kind}/${removal.logicalId}`).sort()).toEqual([
      'Dev/output/ClusterArn',
      'Dev/output/Export',
      'Dev/resource/Cluster',
      'Sink/resource/Mapping',
    ]);
    expect(templates.Sink?.Resources?.Access?.Properties?.PolicyDocument).toEqual({
      Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }],
    });
    expect(danglingImports(templates)).toEqual([]);
  });
});

describe('dangling reference checks', () => {
  it('find every kind of reference to something missing, and accept parameters and pseudo parameters', () => {
    const template: CfnTemplate = {
      Parameters: { BootstrapVersion: { Type: 'String' } },
      Resources: {
        A: {
          ...queue(),
          DependsOn: ['Gone1'],
          Properties: {
            X: { Ref: 'Gone2' },
            Y: { 'Fn::GetAtt': 'Gone3.Arn' },
            Z: { 'Fn::Sub': '${Gone4}-${AWS::Region}-${BootstrapVersion}' },
            R: { Ref: 'AWS::AccountId' },
          },
        },
      },
      Outputs: { O: { Value: { 'Fn::GetAtt': ['Gone5', 'Arn'] } } },
    };
    expect(danglingReferences(template)).toEqual([
      'A: DependsOn Gone1',
      'A: Ref Gone2',
      'A: Fn::GetAtt Gone3',
      'A: Fn::Sub ${Gone4}',
      'output O: Fn::GetAtt Gone5',
    ]);
    expect(danglingImports({ S: { Resources: { A: { ...queue(), Properties: { V: { 'Fn::ImportValue': 'nowhere' } } } } } })).toEqual([
      'S: Fn::ImportValue nowhere',
    ]);
  });
});
