import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterQueue, QueuedMessage } from '../core/replay/ports.js';

/** A received SQS message: what a delete or a release needs. */
export interface SqsQueuedMessage extends QueuedMessage {
  readonly receiptHandle: string;
}

export interface SqsDeadLetterQueueOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** How long received messages stay hidden while they are replayed. Default 120 s. */
  readonly visibilityTimeoutSeconds?: number;
}

/** The core's DeadLetterQueue port on an SQS queue (the CLI's `replay --queue-url`). */
export function sqsDeadLetterQueue(options: SqsDeadLetterQueueOptions): DeadLetterQueue<SqsQueuedMessage> {
  const { sqs, queueUrl } = options;
  return {
    async receive(max) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: 1,
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? 120,
        }),
      );
      return (received.Messages ?? []).flatMap((m) =>
        m.MessageId === undefined || m.ReceiptHandle === undefined
          ? []
          : [{ id: m.MessageId, body: m.Body ?? '', receiptHandle: m.ReceiptHandle }],
      );
    },
    async delete(messages) {
      const deleted = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })),
        }),
      );
      if ((deleted.Failed ?? []).length > 0) throw new Error(`deleting replayed messages failed: ${JSON.stringify(deleted.Failed)}`);
    },
    async release(messages) {
      for (let i = 0; i < messages.length; i += 10) {
        const chunk = messages.slice(i, i + 10);
        await sqs
          .send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: queueUrl,
              Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.receiptHandle, VisibilityTimeout: 0 })),
            }),
          )
          .catch(() => undefined);
      }
    },
  };
}
