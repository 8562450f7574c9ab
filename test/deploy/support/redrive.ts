import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import type { Clients } from './checks.js';

export interface SentMessage {
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface RedriveResult {
  readonly status: string;
  readonly moved: number;
  readonly received: readonly Message[];
  readonly leftInSource: number;
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * What an operator does after fixing the cause of dead letters: "Start DLQ redrive" in the SQS
 * console to a custom destination, which calls StartMessageMoveTask. Sends `messages` to the source
 * queue first, waits for the move task to finish, then reads what arrived in the destination.
 */
export async function redrive(
  aws: Clients,
  source: { readonly url: string; readonly arn: string },
  destination: { readonly url: string; readonly arn: string },
  messages: readonly SentMessage[],
): Promise<RedriveResult> {
  for (const message of messages) {
    const sent = await aws.sqs.send(
      new SendMessageCommand({
        QueueUrl: source.url,
        MessageBody: message.body,
        MessageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
        ),
      }),
    );
    if (sent.MD5OfMessageBody !== md5(message.body))
      throw new Error(`the queue stored another body than sent (md5 ${String(sent.MD5OfMessageBody)})`);
  }
  const { TaskHandle } = await aws.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: source.arn, DestinationArn: destination.arn }));
  let status = 'RUNNING';
  let moved = 0;
  for (const deadline = Date.now() + 60_000; status === 'RUNNING' && Date.now() < deadline;) {
    await sleep(500);
    const { Results = [] } = await aws.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: source.arn, MaxResults: 10 }));
    const task = Results.find((result) => TaskHandle === undefined || result.TaskHandle === TaskHandle) ?? Results[0];
    if (task?.Status === 'FAILED') throw new Error(`message move task failed: ${task.FailureReason ?? 'no reason given'}`);
    status = task?.Status ?? status;
    moved = task?.ApproximateNumberOfMessagesMoved ?? moved;
  }
  const received: Message[] = [];
  for (const deadline = Date.now() + 30_000; received.length < messages.length && Date.now() < deadline;) {
    const { Messages = [] } = await aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: destination.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 300,
      }),
    );
    received.push(...Messages);
  }
  const { Attributes = {} } = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: source.url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const leftInSource = Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  return { status, moved, received, leftInSource };
}
