/**
 * Makes a test copy of synthesized CloudFormation templates deployable on LocalStack 4.14 (community,
 * host mode, no Docker). It removes the resources LocalStack cannot create, then, until nothing changes,
 * everything that refers to a removed resource:
 *
 * - a resource that refers to a removed one (Ref, Fn::GetAtt, Fn::Sub, Fn::ImportValue of a removed
 *   export) is removed too: an alarm on a removed function's metric, a custom resource whose
 *   ServiceToken is a removed function, a permission on it;
 * - except where the reference can be cut out instead: a DependsOn entry is dropped; in a policy
 *   document (IAM, queue, bucket, key policies), the elements of Resource naming a removed resource are
 *   dropped, and a statement left without resources, or whose Principal or Condition names one, is
 *   dropped (a document left without statements removes its resource, or its entry in a role's
 *   Policies list); in a dashboard body (an Fn::Join of JSON text), the widgets that mention a removed
 *   resource are dropped (no widget left removes the dashboard);
 * - an output that refers to a removed resource is removed, and so is its export, so that other
 *   templates importing it are treated in turn.
 *
 * Everything is driven by resource types and references, never by logical ids, so that it follows the
 * stacks as they change. What it removed, and why, is returned for the test to report.
 */

/**
 * Resource types LocalStack 4.14 community has a provider for but cannot create in host mode (found
 * by deploying). Types it has no provider for at all (MSK, Keyspaces, EIP, flow logs, dashboards…)
 * are found from its provider list instead: see `supportedTypes`.
 */
export const LOCALSTACK_UNSUPPORTED_TYPES: readonly string[] = [
  // Creating a function downloads a Lambda runtime (and running one needs Docker).
  'AWS::Lambda::Function',
  // Kafka mappings are not created; SQS mappings point at a removed function anyway.
  'AWS::Lambda::EventSourceMapping',
];

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  [key: string]: unknown;
}

export interface CfnOutput {
  Value: unknown;
  Export?: { Name: unknown };
  [key: string]: unknown;
}

export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
  [key: string]: unknown;
}

export interface Removal {
  /** The key of the template in the input (a stack's artifact id). */
  readonly template: string;
  readonly kind: 'resource' | 'output';
  readonly logicalId: string;
  readonly type?: string;
  readonly reason: string;
}

export interface TransformOptions {
  /** Resource types to remove; a trailing `*` matches a prefix. @default LOCALSTACK_UNSUPPORTED_TYPES */
  readonly removeTypes?: readonly string[];
  /**
   * The `AWS::` resource types the target can create (compared case-insensitively); any other `AWS::`
   * type is removed too. LocalStack "deploys" a type it has no provider for by creating nothing and
   * reporting success, so its provider list is what to pass here (`localstackResourceTypes()`).
   * Custom resources are not judged by it: they go with the function behind their ServiceToken.
   * @default - every type not in `removeTypes` is kept
   */
  readonly supportedTypes?: readonly string[];
}

export interface TransformResult {
  readonly templates: Record<string, CfnTemplate>;
  readonly removals: readonly Removal[];
}

/** What a template no longer has: its removed resources, and export names removed from any template. */
interface Gone {
  readonly resources: ReadonlySet<string>;
  readonly exports: ReadonlySet<string>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function matchesType(type: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => (pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern));
}

/** Logical ids and attribute names an Fn::Sub string refers to (`${X}`, `${X.Attr}`; `${!X}` is literal). */
function subTargets(text: string): string[] {
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map((match) => (match[1] ?? '').split('.')[0] ?? '');
}

/** The logical id in `Fn::GetAtt: [X, Attr]` or `Fn::GetAtt: "X.Attr"`. */
function getAttTarget(arg: unknown): string | undefined {
  const target: unknown = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
  return typeof target === 'string' ? target : undefined;
}

/** `Fn::Sub: "text"` or `Fn::Sub: ["text", {variables}]`. */
function subParts(arg: unknown): { readonly text: unknown; readonly variables: unknown } {
  return Array.isArray(arg) ? { text: arg[0] as unknown, variables: arg[1] as unknown } : { text: arg, variables: undefined };
}

/** The first removed thing `value` refers to, or undefined. */
export function findRemovedReference(value: unknown, gone: Gone): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findRemovedReference(item, gone);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [key] = keys as [string];
    const arg = value[key];
    if (key === 'Ref' && typeof arg === 'string' && gone.resources.has(arg)) return arg;
    if (key === 'Fn::GetAtt') {
      const target = getAttTarget(arg);
      if (typeof target === 'string' && gone.resources.has(target)) return target;
    }
    if (key === 'Fn::Sub') {
      const { text, variables } = subParts(arg);
      const local = isObject(variables) ? new Set(Object.keys(variables)) : new Set<string>();
      if (typeof text === 'string') {
        const target = subTargets(text).find((name) => !local.has(name) && gone.resources.has(name));
        if (target !== undefined) return target;
      }
      return findRemovedReference(variables, gone);
    }
    if (key === 'Fn::ImportValue' && typeof arg === 'string' && gone.exports.has(arg)) return `export ${arg}`;
  }
  for (const key of keys) {
    const found = findRemovedReference(value[key], gone);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A policy document without the statements and resources that name removed resources; undefined if none is left. */
function prunePolicyDocument(document: Record<string, unknown>, gone: Gone): Record<string, unknown> | undefined {
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const kept = statements.flatMap((statement: unknown) => {
    if (!isObject(statement)) return [statement];
    if (findRemovedReference(statement.Principal, gone) !== undefined) return [];
    if (findRemovedReference(statement.Condition, gone) !== undefined) return [];
    const pruned = { ...statement };
    for (const key of ['Resource', 'NotResource'] as const) {
      if (!(key in statement)) continue;
      const resources = Array.isArray(statement[key]) ? (statement[key] as unknown[]) : [statement[key]];
      const left = resources.filter((resource) => findRemovedReference(resource, gone) === undefined);
      if (left.length === 0) return [];
      pruned[key] = Array.isArray(statement[key]) ? left : left[0];
    }
    return findRemovedReference(pruned, gone) === undefined ? [pruned] : [];
  });
  return kept.length === 0 ? undefined : { ...document, Statement: kept };
}

const looksLikePolicyDocument = (value: unknown): value is Record<string, unknown> => isObject(value) && 'Statement' in value;

/**
 * Prunes every policy document in a resource's properties. Returns the new properties, or undefined
 * when a document that is the resource's whole point (a property, not a list entry) lost every statement.
 */
function prunePolicies(properties: Record<string, unknown>, gone: Gone): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (looksLikePolicyDocument(value)) {
      const pruned = prunePolicyDocument(value, gone);
      if (pruned === undefined) return undefined;
      result[key] = pruned;
    } else if (Array.isArray(value) && value.some((item) => isObject(item) && looksLikePolicyDocument(item.PolicyDocument))) {
      // A role's inline Policies: an entry without statements goes, the role stays.
      result[key] = value.flatMap((item: unknown) => {
        if (!isObject(item) || !looksLikePolicyDocument(item.PolicyDocument)) return [item];
        const pruned = prunePolicyDocument(item.PolicyDocument, gone);
        return pruned === undefined ? [] : [{ ...item, PolicyDocument: pruned }];
      });
    } else {
      result[key] = value;
    }
  }
  return result;
}

const TOKEN = (index: number): string => `__kcs_cfn_token_${index}__`;

/**
 * A dashboard body (`{"Fn::Join": ["", [text, intrinsic, text, ...]]}`) without the widgets that mention
 * a removed resource. Intrinsics become placeholder strings so the JSON text can be parsed and
 * filtered, then are put back. Undefined when no widget is left or the body cannot be read that way.
 */
function pruneDashboardBody(body: unknown, gone: Gone): unknown {
  if (findRemovedReference(body, gone) === undefined) return body;
  if (!isObject(body) || !Array.isArray(body['Fn::Join'])) return undefined;
  const [separator, parts] = body['Fn::Join'] as [unknown, unknown];
  if (separator !== '' || !Array.isArray(parts)) return undefined;
  const tokens: unknown[] = [];
  const text = parts.map((part: unknown) => (typeof part === 'string' ? part : TOKEN(tokens.push(part) - 1))).join('');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || !Array.isArray(parsed.widgets)) return undefined;
  const mentionsRemoved = (widget: unknown): boolean =>
    tokens.some((token, index) => JSON.stringify(widget).includes(TOKEN(index)) && findRemovedReference(token, gone) !== undefined);
  const widgets = (parsed.widgets as unknown[]).filter((widget) => !mentionsRemoved(widget));
  if (widgets.length === 0) return undefined;
  const rebuilt = JSON.stringify({ ...parsed, widgets });
  const newParts = rebuilt
    .split(/(__kcs_cfn_token_\d+__)/)
    .filter((part) => part !== '')
    .map((part) => {
      const match = /^__kcs_cfn_token_(\d+)__$/.exec(part);
      return match === null ? part : tokens[Number(match[1])];
    });
  return { 'Fn::Join': ['', newParts] };
}

function dependsOnList(resource: CfnResource): string[] {
  if (resource.DependsOn === undefined) return [];
  return Array.isArray(resource.DependsOn) ? resource.DependsOn : [resource.DependsOn];
}

/**
 * Transforms a set of templates that may import each other's exports (the stacks of one cloud assembly),
 * keyed by any name. The input is not modified.
 */
export function transformForLocalstack(input: Readonly<Record<string, CfnTemplate>>, options: TransformOptions = {}): TransformResult {
  const removeTypes = options.removeTypes ?? LOCALSTACK_UNSUPPORTED_TYPES;
  const supported = options.supportedTypes === undefined ? undefined : new Set(options.supportedTypes.map((type) => type.toLowerCase()));
  const removalReason = (type: string): string | undefined => {
    if (matchesType(type, removeTypes)) return `LocalStack cannot create ${type}`;
    if (supported !== undefined && type.startsWith('AWS::') && !supported.has(type.toLowerCase()))
      return `LocalStack has no provider for ${type}`;
    return undefined;
  };
  const templates = structuredClone(input) as Record<string, CfnTemplate>;
  const removals: Removal[] = [];
  const removedResources = new Map<string, Set<string>>(Object.keys(templates).map((name) => [name, new Set<string>()]));
  const removedExports = new Set<string>();
  const gone = (name: string): Gone => ({ resources: removedResources.get(name) ?? new Set(), exports: removedExports });

  const removeResource = (name: string, logicalId: string, reason: string): void => {
    const template = templates[name];
    const resource = template?.Resources?.[logicalId];
    if (template?.Resources === undefined || resource === undefined) return;
    removals.push({ template: name, kind: 'resource', logicalId, type: resource.Type, reason });
    removedResources.get(name)?.add(logicalId);
    Reflect.deleteProperty(template.Resources, logicalId);
  };

  for (const [name, template] of Object.entries(templates)) {
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      const reason = removalReason(resource.Type);
      if (reason !== undefined) removeResource(name, logicalId, reason);
    }
  }

  for (let changed = true; changed;) {
    changed = false;
    for (const [name, template] of Object.entries(templates)) {
      const removed = gone(name);
      for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
        const dependsOn = dependsOnList(resource);
        const keptDependsOn = dependsOn.filter((id) => !removed.resources.has(id));
        if (keptDependsOn.length !== dependsOn.length) {
          if (keptDependsOn.length === 0) delete resource.DependsOn;
          else resource.DependsOn = keptDependsOn;
        }
        if (resource.Properties !== undefined && findRemovedReference(resource.Properties, removed) !== undefined) {
          let properties = prunePolicies(resource.Properties, removed);
          if (properties === undefined) {
            removeResource(name, logicalId, 'its policy document has no statement left');
            changed = true;
            continue;
          }
          if (resource.Type === 'AWS::CloudWatch::Dashboard' && 'DashboardBody' in properties) {
            const body = pruneDashboardBody(properties.DashboardBody, removed);
            if (body === undefined) {
              removeResource(name, logicalId, 'no dashboard widget is left');
              changed = true;
              continue;
            }
            properties = { ...properties, DashboardBody: body };
          }
          resource.Properties = properties;
        }
        const reference = findRemovedReference({ ...resource, DependsOn: undefined }, removed);
        if (reference !== undefined) {
          removeResource(name, logicalId, `refers to removed ${reference}`);
          changed = true;
        }
      }
      for (const [outputId, output] of Object.entries(template.Outputs ?? {})) {
        const reference = findRemovedReference(output.Value, removed);
        if (reference === undefined) continue;
        removals.push({ template: name, kind: 'output', logicalId: outputId, reason: `refers to removed ${reference}` });
        if (typeof output.Export?.Name === 'string') removedExports.add(output.Export.Name);
        if (template.Outputs !== undefined) Reflect.deleteProperty(template.Outputs, outputId);
        changed = true;
      }
    }
  }
  return { templates, removals };
}

/**
 * Every Ref, Fn::GetAtt, Fn::Sub and DependsOn target in a template that is neither a resource, a
 * parameter nor a pseudo parameter: what a transform must never leave behind.
 */
export function danglingReferences(template: CfnTemplate): string[] {
  const known = new Set([
    ...Object.keys(template.Resources ?? {}),
    ...Object.keys((template.Parameters as Record<string, unknown> | undefined) ?? {}),
  ]);
  const isKnown = (name: string): boolean => known.has(name) || name.startsWith('AWS::');
  const dangling: string[] = [];
  const visit = (value: unknown, where: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item) => {
        visit(item, where);
      });
      return;
    }
    if (!isObject(value)) return;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = value[key];
      if (key === 'Ref' && typeof arg === 'string' && !isKnown(arg)) dangling.push(`${where}: Ref ${arg}`);
      if (key === 'Fn::GetAtt') {
        const target = getAttTarget(arg);
        if (typeof target === 'string' && !isKnown(target)) dangling.push(`${where}: Fn::GetAtt ${target}`);
      }
      if (key === 'Fn::Sub') {
        const { text, variables } = subParts(arg);
        const local = isObject(variables) ? new Set(Object.keys(variables)) : new Set<string>();
        if (typeof text === 'string') {
          for (const target of subTargets(text))
            if (!local.has(target) && !isKnown(target)) dangling.push(`${where}: Fn::Sub \${${target}}`);
        }
      }
    }
    for (const key of keys) visit(value[key], where);
  };
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    for (const target of dependsOnList(resource)) if (!known.has(target)) dangling.push(`${logicalId}: DependsOn ${target}`);
    visit({ ...resource, DependsOn: undefined }, logicalId);
  }
  for (const [outputId, output] of Object.entries(template.Outputs ?? {})) visit(output, `output ${outputId}`);
  return dangling;
}

/** Imports (Fn::ImportValue of a literal name) that no template in the set exports. */
export function danglingImports(templates: Readonly<Record<string, CfnTemplate>>): string[] {
  const exported = new Set(
    Object.values(templates).flatMap((template) =>
      Object.values(template.Outputs ?? {}).flatMap((output) => (typeof output.Export?.Name === 'string' ? [output.Export.Name] : [])),
    ),
  );
  const missing: string[] = [];
  const visit = (value: unknown, where: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item) => {
        visit(item, where);
      });
      return;
    }
    if (!isObject(value)) return;
    const imported = value['Fn::ImportValue'];
    if (typeof imported === 'string' && !exported.has(imported)) missing.push(`${where}: Fn::ImportValue ${imported}`);
    for (const item of Object.values(value)) visit(item, where);
  };
  for (const [name, template] of Object.entries(templates)) visit(template, name);
  return missing;
}
