import { describe, expect, it } from 'vitest';
import { parseCommandArgs, UsageError } from '../../../local/cli/command.js';
import { runCommand } from '../../../local/cli/commands/run.js';
import { setUpRemoteRun } from '../../../local/cli/commands/run-setup/remote.js';
import { captureIo } from '../../support/capture-io.js';

/** The flags as `run` parses them, with no KAFKA_* or DLQ_URL from the environment. */
const flags = (argv: string[]) => parseCommandArgs(runCommand, argv, {}).values;

describe('run: the remote set-up', () => {
  it('needs a dead-letter queue before it touches anything, and says which flag', async () => {
    const io = captureIo();
    const setup = setUpRemoteRun(
      'config/example.sink.yaml',
      flags(['--config', 'config/example.sink.yaml', '-b', 'broker-1:9092']),
      io,
      {},
    );
    await expect(setup).rejects.toThrow(UsageError);
    await expect(setup).rejects.toThrow('--dlq-url (or DLQ_URL) is required with --config: poison records go there');
    expect(io.stdout).toEqual([]);
  });

  it('needs brokers or an MSK cluster', async () => {
    const setup = setUpRemoteRun(
      'config/example.sink.yaml',
      flags(['--config', 'config/example.sink.yaml', '--dlq-url', 'https://sqs.example/q']),
      captureIo(),
      {},
    );
    await expect(setup).rejects.toThrow(
      '--bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS) or --msk-cluster-arn (or KAFKA_CLUSTER_ARN) is required with --config',
    );
  });
});
