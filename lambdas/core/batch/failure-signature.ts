import { PoisonRecordError, type PoisonDetails } from '../errors.js';

/** What a poison failure is about, without the record's value: the brake groups failures by it. */
export interface FailureSignature {
  readonly table: string;
  readonly column: string | undefined;
  readonly reason: string;
}

export function signatureKey(signature: FailureSignature): string {
  return `${signature.table}\u0000${signature.column ?? ''}\u0000${signature.reason}`;
}

/**
 * The column and the kind of a poison failure. The thrower's details win
 * (conversions and server rejections set them); otherwise they are read from
 * the innermost poison message, with the values masked, so that two records
 * failing the same way share a signature whatever their values.
 */
export function failureDetails(error: Error): { readonly column: string | undefined; readonly reason: string } {
  let innermost: Error = error;
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    if (current instanceof PoisonRecordError) {
      const details: PoisonDetails | undefined = current.details;
      if (details?.reason !== undefined) return { column: details.column, reason: details.reason };
      innermost = current;
    }
  }
  const message = withoutLocation(innermost.message);
  const column = /column "((?:[^"]|"")+)"/.exec(message)?.[1]?.replaceAll('""', '"');
  return { column, reason: maskValues(message) };
}

/** Drops the "topic/partition@offset → table: " prefixes the mapper and the writer add. */
function withoutLocation(message: string): string {
  return message.replace(/^(?:[^\s]+\/\d+@\d+(?: → [^:]+)?: )+/, '');
}

/** Quoted strings, numbers and byte dumps become `…`: what is left says how the record failed, not with what. */
function maskValues(message: string): string {
  return message
    .replace(/"(?:[^"\\]|\\.)*"/g, (quoted, offset: number, whole: string) =>
      /column $|bind :$/.test(whole.slice(Math.max(0, offset - 7), offset)) ? quoted : '…',
    )
    .replace(/<\d+ bytes [^>]*>/g, '…')
    .replace(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, '…')
    .slice(0, 200);
}
