import type { Template } from 'aws-cdk-lib/assertions';

export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

/** The one resource of a type whose properties contain `match` (by JSON text), or a failure naming what exists. */
export function resourceOf(template: Template, type: string, match = ''): CfnResource & { readonly id: string } {
  const all = Object.entries(template.findResources(type) as Record<string, CfnResource>);
  const found = all.filter(([, resource]) => JSON.stringify(resource.Properties).includes(match));
  const [first] = found;
  if (first === undefined || found.length > 1)
    throw new Error(`expected one ${type} matching ${JSON.stringify(match)} (got ${found.length} of ${all.length})`);
  return { id: first[0], ...first[1] };
}

/** Every IAM statement of the policies attached to a role whose logical id starts with `rolePrefix`. */
export function statementsOf(template: Template, rolePrefix: string): { Action: string | string[]; Resource: unknown }[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, CfnResource>);
  return policies
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(rolePrefix))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
}

/** The statements granting `action`. */
export function grantsOf(template: Template, rolePrefix: string, action: string): unknown[] {
  return statementsOf(template, rolePrefix)
    .filter((statement) => [statement.Action].flat().includes(action))
    .map((statement) => statement.Resource);
}
