import { types } from 'cassandra-driver';

/**
 * A text identity for converted key values, to group rows by partition.
 * Values of one column share one CQL type, so this only has to tell apart
 * values of the same type; a collision would only batch two partitions
 * together, which is still correct, just less efficient.
 */
export function keyText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      break;
  }
  if (Buffer.isBuffer(value)) return value.toString('hex');
  // Converted uuid/timeuuid keys are always driver Uuids: their bytes in hex tell them apart at half the cost of toString's dashes.
  if (value instanceof types.Uuid) return value.getBuffer().toString('hex');
  if (value instanceof Date) return String(value.getTime());
  if (Array.isArray(value)) return `[${value.map(keyText).join(',')}]`;
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${keyText(k)}:${keyText(v)}`).join(',')}}`;
  if (value instanceof Set) return `{${[...value].map(keyText).join(',')}}`;
  if (value !== null && typeof value === 'object') {
    // Driver values (Uuid, LocalDate, BigDecimal, InetAddress, Duration, Tuple…) print themselves faithfully.
    const text = (value as { toString(): string }).toString();
    return text === '[object Object]' ? JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) : text;
  }
  return String(value);
}
