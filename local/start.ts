/**
 * `npm start`: the sink on this machine. With no arguments it runs the demo
 * (local services, schema, topic, queues, secret, then the sink with progress
 * on stdout); arguments are those of `kafka-cql-sink run` (see --help).
 */
import { runCommand } from './cli/command.js';
import { runCommand as runSink } from './cli/commands/run.js';

process.exit(await runCommand(runSink, process.argv.slice(2)));
