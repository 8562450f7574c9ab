import { z } from 'zod';
import { sinkConfigSchema } from './schema.js';

/** The subset of JSON Schema that z.toJSONSchema emits for this config. */
interface Node {
  type?: string;
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  items?: Node;
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: Node | boolean;
  oneOf?: Node[];
  anyOf?: Node[];
}

/** How a schema's reference is laid out. */
export interface ReferenceLayout {
  /** Markdown heading of each section (`##` for a page of its own, deeper inside a page). */
  readonly heading: string;
  /** The placeholder of a map's keys by the map's name (`topics` → `<topic>`); default `<name>`. */
  readonly placeholders: Readonly<Record<string, string>>;
}

const SINK_LAYOUT: ReferenceLayout = { heading: '##', placeholders: { topics: '<topic>', tables: '<keyspace.table>' } };

/** Renders the config reference in Markdown from the schema, so the doc cannot drift from the code. */
export function renderConfigReference(): string {
  const root = z.toJSONSchema(sinkConfigSchema, { io: 'input' }) as Node;
  const out: string[] = [
    '# Sink config reference',
    '',
    '<!-- Generated from lambdas/core/config/schema.ts by `npm run docs:config`. Do not edit. -->',
    '',
    `${root.description ?? ''} Written in YAML or JSON. A setting without a default and not marked required may be left out.`,
    '',
  ];
  renderObject(root, '', out, SINK_LAYOUT);
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * The tables of any zod config schema (settings, types, defaults, the
 * schema's descriptions), sections for nested objects, unions and maps: the
 * deployment config's reference in docs/deploy.md is rendered with it too.
 */
export function renderSchemaReference(schema: z.core.$ZodType, layout: ReferenceLayout): string {
  const out: string[] = [];
  renderObject(z.toJSONSchema(schema, { io: 'input' }) as Node, '', out, layout);
  return `${out.join('\n').trimEnd()}\n`;
}

/** Replaces the text between `<!-- BEGIN <name> -->` and `<!-- END <name> -->` (the markers stay); throws when they are missing. */
export function replaceGeneratedBlock(document: string, name: string, block: string): string {
  const begin = `<!-- BEGIN ${name} -->`;
  const end = `<!-- END ${name} -->`;
  const start = document.indexOf(begin);
  const stop = document.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`no generated block ${JSON.stringify(name)} (expected ${begin} … ${end})`);
  return `${document.slice(0, start + begin.length)}\n${block}${document.slice(stop)}`;
}

function renderObject(node: Node, path: string, out: string[], layout: ReferenceLayout, title = path): void {
  const properties = Object.entries(node.properties ?? {});
  const nested: [string, Node][] = [];
  if (path !== '') out.push(`${layout.heading} \`${title}\``, '', ...(node.description ? [node.description, ''] : []));
  if (properties.length > 0) {
    out.push('| Setting | Type | Default | Description |', '| --- | --- | --- | --- |');
    for (const [name, child] of properties) {
      const childPath = path === '' ? name : `${path}.${name}`;
      const required = node.required?.includes(name) === true && child.default === undefined;
      out.push(
        `| \`${name}\` | ${cell(typeOf(child))} | ${required ? 'required' : child.default === undefined ? '' : cell(`\`${JSON.stringify(child.default)}\``)} | ${cell(child.description ?? '')} |`,
      );
      if (isSection(child)) nested.push([childPath, child]);
    }
    out.push('');
  }
  for (const [childPath, child] of nested) renderSection(child, childPath, out, layout);
}

function renderSection(node: Node, path: string, out: string[], layout: ReferenceLayout): void {
  const variants = node.oneOf ?? node.anyOf;
  if (variants) {
    out.push(`${layout.heading} \`${path}\``, '', ...(node.description ? [node.description, ''] : []), 'One of:', '');
    for (const variant of variants) {
      const tag = Object.entries(variant.properties ?? {}).find(([, child]) => child.const !== undefined);
      const label = tag
        ? `${path} (${tag[0]}: ${String(tag[1].const)})`
        : `${path} (with ${Object.keys(variant.properties ?? {}).join(', ')})`;
      renderObject(variant, path, out, layout, label);
    }
    return;
  }
  if (typeof node.additionalProperties === 'object') {
    const key = path.split('.').at(-1) ?? '';
    const child = node.additionalProperties;
    renderObject(
      { ...child, description: [node.description, child.description].filter(Boolean).join(' ') },
      `${path}.${layout.placeholders[key] ?? '<name>'}`,
      out,
      layout,
    );
    return;
  }
  renderObject(node, path, out, layout);
}

function isSection(node: Node): boolean {
  return (
    node.properties !== undefined ||
    typeof node.additionalProperties === 'object' ||
    (node.oneOf ?? node.anyOf)?.some((variant) => variant.properties) === true
  );
}

function typeOf(node: Node): string {
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return node.enum.map((value) => `\`${String(value)}\``).join(' | ');
  if (node.oneOf ?? node.anyOf) return 'one of (see below)';
  if (node.type === 'array')
    return `list of ${node.items ? typeOf(node.items) : 'values'}${node.minItems ? ` (at least ${node.minItems})` : ''}`;
  if (typeof node.additionalProperties === 'object') return 'map (see below)';
  if (node.type === 'object') return 'object (see below)';
  const bounds = [bound('≥', node.minimum), bound('≤', node.maximum)].filter(Boolean).join(', ');
  return `${node.type ?? 'any'}${bounds ? ` (${bounds})` : ''}`;
}

/** Zod's int() adds the safe-integer range; it says nothing to a reader. */
function bound(sign: string, value: number | undefined): string {
  return value === undefined || Math.abs(value) >= Number.MAX_SAFE_INTEGER ? '' : `${sign} ${value}`;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
