/** The options shared by the deployed-stack commands (status, pause, resume, redrive) and how they pick the target. */
import { useLocalAws } from '../../runner/local-setup.js';
import { stackClients, type StackClients } from '../../stack/clients.js';
import type { SinkSelector } from '../../stack/locate.js';
import { stringOf, UsageError, type OptionSpec, type Values } from '../command.js';

export const stackOption: OptionSpec = {
  type: 'string',
  value: '<name>',
  description: 'The deployed sink stack (its CloudFormation outputs and resources say what to act on).',
  env: 'SINK_STACK',
};
export const functionOption: OptionSpec = {
  type: 'string',
  value: '<name>',
  description: 'Instead of --stack: the sink function; its event source mappings (no queues).',
};
export const localOption: OptionSpec = {
  type: 'boolean',
  description: "Use the local AWS emulator (AWS_ENDPOINT_URL of the local services) instead of the environment's AWS.",
};

export const AWS_NOTE = 'AWS (region, credentials, AWS_ENDPOINT_URL) comes from the environment, as for the AWS CLI.';

export function selectorOf(values: Values, allowFunction = true): SinkSelector {
  const stack = stringOf(values, 'stack');
  const fn = allowFunction ? stringOf(values, 'function') : undefined;
  if (stack !== undefined && fn !== undefined)
    throw new UsageError(
      `give --stack or --function, not both (got --stack ${JSON.stringify(stack)} and --function ${JSON.stringify(fn)})`,
    );
  if (stack !== undefined) return { stack };
  if (fn !== undefined) return { function: fn };
  throw new UsageError(allowFunction ? 'give --stack <name> (or --function <name>)' : 'give --stack <name>');
}

export function clientsFor(values: Values): StackClients {
  if (values.local === true) useLocalAws();
  return stackClients(process.env);
}
