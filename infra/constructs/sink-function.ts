import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { writeRuntimeEnvironment, type RuntimeEnvironmentValues } from '../../lambdas/contract/runtime-env.js';

/** Name of the bundled sink config, next to the code. */
export const SINK_CONFIG_FILE_NAME = 'sink-config.json';
/** Where Lambda unpacks the code. */
const TASK_ROOT = '/var/task';

/** cassandra-driver `require`s these optional modules inside try/catch: leave them out of the bundle. */
const OPTIONAL_MODULES = ['kerberos'];
/** esbuild's ESM output has no `require`; CommonJS dependencies (cassandra-driver) need one. */
const REQUIRE_BANNER =
  "import { createRequire as __sinkCreateRequire } from 'node:module'; const require = __sinkCreateRequire(import.meta.url);";

export interface SinkFunctionProps {
  /** TypeScript entry exporting `handler`, bundled by local esbuild. */
  readonly entry: string;
  /**
   * A directory holding an already built `index.mjs` (exporting `handler`) to
   * deploy instead of bundling `entry`: for tests and for prebuilt artifacts.
   * @default - bundle `entry`
   */
  readonly prebuiltCodeDir?: string;
  /** The sink config the function reads at cold start, written as JSON next to the code. */
  readonly sinkConfig: unknown;
  readonly description: string;
  /** @default 1024 */
  readonly memorySize?: number;
  /** @default Duration.minutes(1) */
  readonly timeout?: Duration;
  /** @default - no reserved concurrency */
  readonly reservedConcurrency?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroups: readonly ec2.ISecurityGroup[];
  /** What the function reads (lambdas/contract/runtime-env.ts). @default - none beyond the bundled config's path and NODE_OPTIONS */
  readonly environment?: RuntimeEnvironmentValues;
}

/**
 * A Node.js 22 ARM64 function of the sink (the sink or the replay handler): ESM
 * bundle with source maps, the sink config bundled beside it, in the VPC, with
 * its own log group.
 */
export class SinkFunction extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SinkFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    const configDir = mkdtempSync(join(tmpdir(), 'kafka-cql-sink-config-'));
    writeFileSync(join(configDir, SINK_CONFIG_FILE_NAME), `${JSON.stringify(props.sinkConfig, null, 2)}\n`);
    const common = {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(1),
      reservedConcurrentExecutions: props.reservedConcurrency,
      logGroup: this.logGroup,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [...props.securityGroups],
      environment: writeRuntimeEnvironment({
        ...props.environment,
        sinkConfigFile: `${TASK_ROOT}/${SINK_CONFIG_FILE_NAME}`,
        nodeOptions: '--enable-source-maps',
      }),
    };
    if (props.prebuiltCodeDir === undefined) {
      this.function = new nodejs.NodejsFunction(this, 'Function', {
        ...common,
        entry: props.entry,
        handler: 'handler',
        bundling: {
          format: nodejs.OutputFormat.ESM,
          target: 'node22',
          mainFields: ['module', 'main'],
          minify: true,
          sourceMap: true,
          sourcesContent: false,
          // The AWS SDK is bundled too: the function runs the versions it was tested with.
          externalModules: OPTIONAL_MODULES,
          banner: REQUIRE_BANNER,
          // No Docker here or in CI: esbuild from node_modules.
          forceDockerBundling: false,
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (_inputDir: string, outputDir: string) => [
              `cp "${join(configDir, SINK_CONFIG_FILE_NAME)}" "${outputDir}/${SINK_CONFIG_FILE_NAME}"`,
            ],
          },
        },
      });
    } else {
      cpSync(props.prebuiltCodeDir, configDir, { recursive: true });
      this.function = new lambda.Function(this, 'Function', {
        ...common,
        handler: 'index.handler',
        code: lambda.Code.fromAsset(configDir),
      });
    }
  }
}
