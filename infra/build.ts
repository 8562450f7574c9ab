import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Deployment } from './config/load.js';
import { DevStack } from './stacks/dev-stack.js';
import { SinkStack, type SinkStackProps } from './stacks/sink-stack.js';

export interface BuiltApp {
  readonly app: App;
  readonly sink: SinkStack;
  readonly dev?: DevStack;
}

export interface BuildOptions {
  /** @default - a fresh App */
  readonly app?: App;
  /** @default - bundle the real handlers */
  readonly prebuiltCode?: SinkStackProps['prebuiltCode'];
}

/**
 * The stacks of one deployment, checked by cdk-nag's AwsSolutions pack: a
 * finding that is not acknowledged (with its reason) fails the synth.
 */
export function buildApp(deployment: Deployment, options: BuildOptions = {}): BuiltApp {
  const app = options.app ?? new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const { deploy } = deployment;
  const env = { account: deploy.env.account, region: deploy.env.region };
  const dev = deploy.dev === undefined ? undefined : new DevStack(app, 'Dev', { env, stackName: `${deploy.stackName}-dev`, deployment });
  const sink = new SinkStack(app, 'Sink', {
    env,
    stackName: deploy.stackName,
    deployment,
    dev: dev === undefined ? undefined : { vpc: dev.vpc, clusterArn: dev.clusterArn, clientSecurityGroup: dev.clientSecurityGroup },
    prebuiltCode: options.prebuiltCode,
  });
  return { app, sink, dev };
}
