/**
 * The AWS clients the deployed-stack commands (status, pause, resume, redrive) use: region,
 * credentials and endpoint come from the environment, as for any AWS CLI.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '../../lambdas/composition/sink-runtime.js';

export interface StackClients {
  readonly cloudFormation: CloudFormationClient;
  readonly cloudWatch: CloudWatchClient;
  readonly lambda: LambdaClient;
  readonly sqs: SQSClient;
  destroy(): void;
}

export function stackClients(env: NodeJS.ProcessEnv = process.env): StackClients {
  const { region } = awsClientConfig(env);
  const config = region === undefined ? {} : { region };
  const clients = {
    cloudFormation: new CloudFormationClient(config),
    cloudWatch: new CloudWatchClient(config),
    lambda: new LambdaClient(config),
    // An endpoint from the environment (an emulator) wins over the host of a queue URL: emulators'
    // CloudFormation hands out queue URLs of the real SQS host.
    sqs: new SQSClient({ ...config, useQueueUrlAsEndpoint: env.AWS_ENDPOINT_URL === undefined || env.AWS_ENDPOINT_URL === '' }),
  };
  return {
    ...clients,
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}
