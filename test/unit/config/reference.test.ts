import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderConfigReference } from '../../../lambdas/core/config/reference.js';
import { sinkConfigSchema } from '../../../lambdas/core/config/schema.js';

describe('docs/config-reference.md', () => {
  it('is what `npm run docs:config` generates from the schema', () => {
    const committed = readFileSync(new URL('../../../docs/config-reference.md', import.meta.url), 'utf8');
    expect(committed, 'stale: run npm run docs:config and commit docs/config-reference.md').toBe(renderConfigReference());
  });

  it('documents every setting of the schema', () => {
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
    visit(z.toJSONSchema(sinkConfigSchema, { io: 'input' }), '');
    expect(undocumented).toEqual([]);
  });
});
