// Writes docs/config-reference.md from the sink config schema, and the deployment settings
// block of docs/deploy.md from the deployment config schema (npm run docs:config).
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigReference, replaceGeneratedBlock } from '../lambdas/core/config/reference.js';
import { DEPLOY_REFERENCE_BLOCK, renderDeployReference } from '../infra/config/reference.js';

const sinkReference = new URL('../docs/config-reference.md', import.meta.url);
writeFileSync(sinkReference, renderConfigReference());
console.log(`wrote ${sinkReference.pathname}`);

const deployGuide = new URL('../docs/deploy.md', import.meta.url);
writeFileSync(deployGuide, replaceGeneratedBlock(readFileSync(deployGuide, 'utf8'), DEPLOY_REFERENCE_BLOCK, renderDeployReference()));
console.log(`wrote ${deployGuide.pathname} (${DEPLOY_REFERENCE_BLOCK})`);
