// Writes docs/config-reference.md from the config schema (npm run docs:config).
import { writeFileSync } from 'node:fs';
import { renderConfigReference } from '../lambdas/core/config/reference.js';

const target = new URL('../docs/config-reference.md', import.meta.url);
writeFileSync(target, renderConfigReference());
console.log(`wrote ${target.pathname}`);
