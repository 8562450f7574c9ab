#!/usr/bin/env node
// The `kafka-cql-sink` command: runs the TypeScript CLI (local/cli/main.ts) through tsx's loader.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../local/cli/main.ts');
process.exit(await main(process.argv.slice(2)));
