/**
 * `redrive`: the console's "Start DLQ redrive" to a custom destination, from the terminal:
 * StartMessageMoveTask from the dead-letter queue to the replay queue, then ListMessageMoveTasks
 * until the task is COMPLETED, FAILED or CANCELLED.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ListMessageMoveTasksCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import type { StackClients } from './clients.js';
import type { QueueRef } from './locate.js';

export interface RedriveProgress {
  readonly taskHandle: string;
  readonly status: string;
  readonly moved: number;
  /** Messages in the source when the task started (ApproximateNumberOfMessagesToMove). */
  readonly total: number | null;
  readonly failureReason: string | null;
}

export async function startRedrive(aws: StackClients, from: QueueRef, to: QueueRef, maxPerSecond?: number): Promise<string> {
  const { TaskHandle } = await aws.sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: from.arn,
      DestinationArn: to.arn,
      ...(maxPerSecond === undefined ? {} : { MaxNumberOfMessagesPerSecond: maxPerSecond }),
    }),
  );
  if (TaskHandle === undefined) throw new Error(`StartMessageMoveTask from ${from.arn} returned no task handle`);
  return TaskHandle;
}

export async function redriveProgress(aws: StackClients, source: QueueRef, taskHandle: string): Promise<RedriveProgress> {
  // ListMessageMoveTasks lists the source queue's most recent tasks, newest first.
  const { Results = [] } = await aws.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: source.arn, MaxResults: 10 }));
  const task =
    Results.find((result) => result.TaskHandle === taskHandle) ?? Results.find((result) => result.Status === 'RUNNING') ?? Results[0];
  if (task === undefined) throw new Error(`no message move task listed for ${source.arn}`);
  return {
    taskHandle: task.TaskHandle ?? taskHandle,
    status: task.Status ?? 'unknown',
    moved: task.ApproximateNumberOfMessagesMoved ?? 0,
    total: task.ApproximateNumberOfMessagesToMove ?? null,
    failureReason: task.FailureReason ?? null,
  };
}

export const FINAL_STATUSES: readonly string[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** Polls until the task ends or the timeout passes; reports each change of status or count. */
export async function waitForRedrive(
  aws: StackClients,
  source: QueueRef,
  taskHandle: string,
  options: { readonly timeoutMs: number; readonly pollMs?: number; readonly onProgress?: (progress: RedriveProgress) => void },
): Promise<RedriveProgress> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  for (;;) {
    const progress = await redriveProgress(aws, source, taskHandle);
    const seen = `${progress.status}/${String(progress.moved)}/${String(progress.total)}`;
    if (seen !== last) options.onProgress?.(progress);
    last = seen;
    if (FINAL_STATUSES.includes(progress.status) || Date.now() >= deadline) return progress;
    await sleep(options.pollMs ?? 2_000);
  }
}
