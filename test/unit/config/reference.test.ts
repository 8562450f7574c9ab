import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deployConfigSchema } from '../../../infra/config/deploy-schema.js';
import { DEPLOY_REFERENCE_BLOCK, renderDeployReference } from '../../../infra/config/reference.js';
import { renderConfigReference, replaceGeneratedBlock } from '../../../lambdas/core/config/reference.js';
import { sinkConfigSchema } from '../../../lambdas/core/config/schema.js';

describe('docs/config-reference.md', () => {
  it('is what `npm run docs:config` generates from the schema', () => {
    const committed = readFileSync(new URL('../../../docs/config-reference.md', import.meta.url), 'utf8');
    expect(committed, 'stale: run npm run docs:config and commit docs/config-reference.md').toBe(renderConfigReference());
  });

  it('documents every setting of the schema', () => {
    expect(undocumentedSettings(sinkConfigSchema)).toEqual([]);
  });
});

describe('the deployment settings in docs/deploy.md', () => {
  it('are what `npm run docs:config` generates from the deployment schema', () => {
    const committed = readFileSync(new URL('../../../docs/deploy.md', import.meta.url), 'utf8');
    expect(committed, 'stale: run npm run docs:config and commit docs/deploy.md').toBe(
      replaceGeneratedBlock(committed, DEPLOY_REFERENCE_BLOCK, renderDeployReference()),
    );
    expect(committed).toContain('| `eventSource` | object (see below) | `{}` |');
  });

  it('document every setting of the schema', () => {
    expect(undocumentedSettings(deployConfigSchema)).toEqual([]);
  });

  it('fail loudly without the markers', () => {
    expect(() => replaceGeneratedBlock('# no block', DEPLOY_REFERENCE_BLOCK, 'x')).toThrow(/no generated block "deploy-config-reference"/);
    expect(replaceGeneratedBlock('a\n<!-- BEGIN b -->\nold\n<!-- END b -->\nz', 'b', 'new\n')).toBe(
      'a\n<!-- BEGIN b -->\nnew\n<!-- END b -->\nz',
    );
  });
});

function undocumentedSettings(schema: z.core.$ZodType): string[] {
  const undocumented: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    for (const [name, child] of Object.entries((record.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      if (typeof child.description !== 'string' || child.description === '') undocumented.push(`${path}${name}`);
      visit(child, `${path}${name}.`);
    }
    for (const key of ['oneOf', 'anyOf'] as const) for (const variant of (record[key] ?? []) as unknown[]) visit(variant, path);
    visit(record.additionalProperties, `${path}<name>.`);
  };
  visit(z.toJSONSchema(schema, { io: 'input' }), '');
  return undocumented;
}
