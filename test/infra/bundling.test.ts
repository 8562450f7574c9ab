import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { SINK_CONFIG_FILE_NAME, SinkFunction } from '../../infra/constructs/sink-function.js';
import { SINK_ENTRY } from '../../infra/stacks/sink-stack.js';
import { loadExample, synth } from './support/synth.js';

const fixtureEntry = new URL('../fixtures/infra/entry/handler.ts', import.meta.url).pathname;
const mskIamEntry = new URL('../fixtures/infra/entry/msk-iam-handler.ts', import.meta.url).pathname;

/** Bundles one entry with the SinkFunction settings; returns the asset directory. */
function bundle(entry: string): string {
  const app = new App();
  const stack = new Stack(app, 'Bundle', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: ['eu-west-1a'],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f60718'],
  });
  new SinkFunction(stack, 'Fn', {
    entry,
    sinkConfig: { connection: { profile: 'keyspaces', region: 'eu-west-1' } },
    description: 'bundle test',
    vpc,
    subnets: { subnets: vpc.privateSubnets },
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0a1b2c3d4e5f60718')],
  });
  const outdir = app.synth().directory;
  const asset = readdirSync(outdir).find((name) => name.startsWith('asset.'));
  if (asset === undefined) throw new Error(`no asset in ${outdir}`);
  return join(outdir, asset);
}

describe('bundling with local esbuild', () => {
  it('emits an ESM bundle with a source map, a require shim, kerberos left out, and the sink config beside it', async () => {
    const dir = bundle(fixtureEntry);
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map', SINK_CONFIG_FILE_NAME]);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __sinkCreateRequire } from 'node:module';")).toBe(true);
    // Left as a runtime require (esbuild's shim, minified) inside the driver's try/catch, not bundled.
    expect(code).toMatch(/\w\("kerberos"\)/);
    expect(JSON.parse(readFileSync(join(dir, SINK_CONFIG_FILE_NAME), 'utf8'))).toEqual({
      connection: { profile: 'keyspaces', region: 'eu-west-1' },
    });
    // The bundle loads in Node 22 as Lambda would load it, CommonJS driver included.
    const module = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler: () => Promise<{ driver: string }> };
    await expect(module.handler()).resolves.toEqual({ driver: 'function' });
  });

  it('bundles AWS’s MSK IAM signer so that it signs in the ESM bundle', async () => {
    const dir = bundle(mskIamEntry);
    const module = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler: () => Promise<{ url: string }> };
    const url = new URL((await module.handler()).url);
    expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  // Not imported: the real handler connects to the database at init.
  it('bundles the real sink handler', () => {
    const dir = bundle(SINK_ENTRY);
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map', SINK_CONFIG_FILE_NAME]);
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toMatch(/\w\("kerberos"\)/);
  });

  it('bundles the real sink and replay handlers into the stack', () => {
    const synthesized = synth(loadExample('msk-keyspaces.yaml'), { bundleHandlers: true });
    const assets = readdirSync(synthesized.outdir).filter((name) => name.startsWith('asset.'));
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) expect(existsSync(join(synthesized.outdir, asset, 'index.mjs'))).toBe(true);
    expect(synthesized.nagFindings).toEqual([]);
  });
});
