/** Splits an ESM records key on its last `-`: topic names may contain `-`, partitions may not. */
export function splitTopicPartition(key: string): { topic: string; partition: number } | undefined {
  const dash = key.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const partitionText = key.slice(dash + 1);
  if (!/^(0|[1-9]\d{0,9})$/.test(partitionText)) return undefined;
  const partition = Number(partitionText);
  if (partition > 2_147_483_647) return undefined;
  return { topic: key.slice(0, dash), partition };
}
