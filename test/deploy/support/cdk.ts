import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { localstackEndpoint } from '../../../local/services/localstack.js';
import { repoRoot } from '../../../local/services/paths.js';

const run = promisify(execFile);

/** LocalStack puts a request into the account named by a 12-digit access key id. */
export interface Target {
  readonly account: string;
  readonly region: string;
}

/**
 * The environment of a `cdk` CLI aimed at LocalStack: the SDK's endpoint override, the account as
 * the access key, no profile or session token from the caller's shell, and nothing sent elsewhere
 * (no telemetry, no version check, no notices).
 */
export function cdkEnvironment(target: Target): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')),
  );
  return {
    ...inherited,
    AWS_ENDPOINT_URL: localstackEndpoint,
    AWS_ACCESS_KEY_ID: target.account,
    AWS_SECRET_ACCESS_KEY: 'localstack',
    AWS_REGION: target.region,
    AWS_DEFAULT_REGION: target.region,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
  };
}

/** Runs the project's own `cdk` CLI in `cwd`; a failure carries the end of its output. */
export async function cdk(args: readonly string[], target: Target, cwd: string, timeoutMs = 300_000): Promise<string> {
  const bin = path.join(repoRoot, 'node_modules', '.bin', 'cdk');
  try {
    const { stdout, stderr } = await run(bin, [...args, '--no-notices', '--ci'], {
      // Not the repository: its cdk.json names the app to synthesize; here `--app` is a built assembly.
      cwd,
      env: cdkEnvironment(target),
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return `${stdout}${stderr}`;
  } catch (error) {
    const output =
      error instanceof Error && 'stderr' in error
        ? `${String((error as { stdout?: unknown }).stdout)}${String((error as { stderr: unknown }).stderr)}`
        : String(error);
    throw new Error(`cdk ${args.join(' ')} failed:\n${output.slice(-4000)}`, { cause: error });
  }
}
