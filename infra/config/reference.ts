import { renderSchemaReference } from '../../lambdas/core/config/reference.js';
import { deployConfigSchema } from './deploy-schema.js';

/** Name of the generated block in docs/deploy.md (between `<!-- BEGIN deploy-config-reference -->` and its END). */
export const DEPLOY_REFERENCE_BLOCK = 'deploy-config-reference';

/** The deployment settings of docs/deploy.md, rendered from the schema by the sink config's generator. */
export function renderDeployReference(): string {
  return [
    '<!-- Generated from infra/config/deploy-schema.ts by `npm run docs:config`. Do not edit. -->',
    '',
    renderSchemaReference(deployConfigSchema, {
      heading: '####',
      placeholders: { consumerGroups: '<topic>', tables: '<keyspace.table>', columns: '<column>' },
    }),
  ].join('\n');
}
