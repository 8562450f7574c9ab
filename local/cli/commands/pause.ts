import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { setMappingsEnabled } from '../../stack/enable.js';
import { locateSink, topicOf } from '../../stack/locate.js';
import { integerOf, listOf, type Command, type Io, type Values } from '../command.js';
import { AWS_NOTE, clientsFor, functionOption, localOption, selectorOf, stackOption } from './stack-target.js';

const DEPLOY_NOTE =
  "The deployment config's eventSource.enabled is applied again at a deploy only when its value changes there: a deploy that leaves it unchanged keeps the state set here (docs/deploy.md, runbook).";

function enableCommand(name: 'pause' | 'resume'): Command {
  const enabled = name === 'resume';
  const wanted = enabled ? 'Enabled' : 'Disabled';
  return {
    name,
    summary: enabled
      ? 'Enable the event source mappings of a deployed sink again and wait until they are Enabled.'
      : 'Disable the event source mappings of a deployed sink (Kafka polling stops) and wait until they are Disabled.',
    usage: `kafka-cql-sink ${name} (--stack <name> | --function <name>) [--topic <t1,t2>] [--timeout <seconds>]`,
    description: [
      `UpdateEventSourceMapping Enabled: ${String(enabled)} for each mapping of the sink function (or only those of --topic), then`,
      `GetEventSourceMapping until each is ${wanted}; exit code 1 if one has not settled within --timeout.`,
      enabled
        ? "The mappings resume from their consumer groups' committed offsets."
        : 'The consumer groups keep their committed offsets; resume continues from there.',
      DEPLOY_NOTE,
      AWS_NOTE,
    ].join('\n'),
    options: {
      stack: stackOption,
      function: functionOption,
      topic: { type: 'string', value: '<t1,t2>', description: 'Only the mappings of these topics.' },
      timeout: { type: 'string', value: '<seconds>', description: `How long to wait for the state ${wanted}.`, default: '300' },
      local: localOption,
    },
    examples: [
      `kafka-cql-sink ${name} --stack orders-sink`,
      `kafka-cql-sink ${name} --stack orders-sink --topic orders,payments --timeout 600`,
    ],
    run: (values, _positionals, io) => setEnabled(values, io, enabled),
  };
}

export const pauseCommand = enableCommand('pause');
export const resumeCommand = enableCommand('resume');

async function setEnabled(values: Values, io: Io, enabled: boolean): Promise<number> {
  const selector = selectorOf(values);
  const topics = listOf(values, 'topic');
  const timeoutSeconds = integerOf(values, 'timeout', 0, 86_400) ?? 300;
  const aws = clientsFor(values);
  try {
    const location = await locateSink(aws, selector);
    const chosen = topics === undefined ? location.mappings : location.mappings.filter((mapping) => topics.includes(topicOf(mapping)));
    const unknown = (topics ?? []).filter(
      (topic) => !location.mappings.some((mapping: EventSourceMappingConfiguration) => topicOf(mapping) === topic),
    );
    if (unknown.length > 0) {
      io.err(
        `no event source mapping of ${location.label} reads ${unknown.map((t) => JSON.stringify(t)).join(', ')}; its topics: ${location.mappings.map(topicOf).join(', ') || 'none'}`,
      );
      return 1;
    }
    if (chosen.length === 0) {
      io.err(`${location.label} has no event source mappings`);
      return 1;
    }
    const wanted = enabled ? 'Enabled' : 'Disabled';
    io.out(`${enabled ? 'resuming' : 'pausing'} ${String(chosen.length)} mapping${chosen.length === 1 ? '' : 's'} of ${location.label}`);
    const outcomes = await setMappingsEnabled(aws, chosen, {
      enabled,
      timeoutMs: timeoutSeconds * 1000,
      log: (line) => {
        io.out(`  ${line}`);
      },
    });
    const unsettled = outcomes.filter((outcome) => !outcome.settled);
    for (const outcome of unsettled)
      io.err(
        `mapping ${outcome.uuid} (${outcome.topic}) is still ${outcome.state} after ${String(timeoutSeconds)} s (wanted ${wanted}); run status to follow it`,
      );
    if (unsettled.length === 0) io.out(`all ${String(outcomes.length)} ${wanted}`);
    io.out(`note: ${DEPLOY_NOTE}`);
    return unsettled.length === 0 ? 0 : 1;
  } finally {
    aws.destroy();
  }
}
