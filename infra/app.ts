import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lambdas/core/errors.js';
import { buildApp } from './build.js';
import { loadDeployment } from './config/load.js';

/**
 * `npx cdk synth|deploy -c deploy=<file>`: the deployment config (default
 * infra/examples/msk-keyspaces.yaml) and the sink config it names are
 * validated first; a problem stops the synth with what to fix.
 */
const app = new App();
const file = (app.node.tryGetContext('deploy') as string | undefined) ?? 'infra/examples/msk-keyspaces.yaml';
try {
  buildApp(loadDeployment(file), { app });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`invalid configuration, nothing synthesized:\n${error.message}\n`);
  process.exit(1);
}
app.synth();
