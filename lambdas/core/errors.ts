/**
 * The error taxonomy. Every error that reaches a user says what was wrong,
 * where, and the value that was wrong. `kind` decides what the sink does:
 *  - config:    fail fast, at init or at synth; never retried.
 *  - poison:    this record can never succeed; dead-letter it and go on.
 *  - transient: timeouts, unavailable, overloaded; retry.
 */
export type ErrorKind = 'config' | 'poison' | 'transient';

/** Where a record came from, for error messages and the dead-letter queue. */
export interface RecordLocation {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string | number;
}

export function describeLocation(location: RecordLocation): string {
  return `${location.topic}/${location.partition}@${location.offset}`;
}

/** Renders a value for an error message: short, and never throws. */
export function showValue(value: unknown, maxLength = 120): string {
  let text: string;
  try {
    if (typeof value === 'string') text = JSON.stringify(value);
    else if (typeof value === 'bigint') text = `${value.toString()}n`;
    else if (value instanceof Uint8Array)
      text = `<${value.length} bytes 0x${Buffer.from(value.subarray(0, 16)).toString('hex')}${value.length > 16 ? '…' : ''}>`;
    else if (value === undefined) text = 'undefined';
    else {
      // JSON.stringify returns undefined for functions and symbols, whatever its type says.
      const json = JSON.stringify(value) as string | undefined;
      text = json ?? Object.prototype.toString.call(value);
    }
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

export abstract class SinkError extends Error {
  abstract readonly kind: ErrorKind;
}

/** A bad sink or deployment configuration. `problems` lists every issue found, not only the first. */
export class ConfigError extends SinkError {
  override readonly name = 'ConfigError';
  readonly kind = 'config' as const;
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[], options?: ErrorOptions) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.length === 1 ? (list[0] ?? '') : `${list.length} configuration problems:\n- ${list.join('\n- ')}`, options);
    this.problems = list;
  }
}

/**
 * What a poison failure is about, independent of the record's value: the
 * brake (core/batch/brake.ts) groups failures by it to tell a bad record from
 * a bad mapping or table.
 */
export interface PoisonDetails {
  /** The column the failure is about, when there is one. */
  readonly column?: string;
  /** The kind of failure, without the value: `cannot convert to int`, `Cassandra invalid: Undefined column name c`. */
  readonly reason?: string;
}

/** A record that can never be written as it is: it goes to the dead-letter queue (unless the brake finds the failure systemic). */
export class PoisonRecordError extends SinkError {
  override readonly name = 'PoisonRecordError';
  readonly kind = 'poison' as const;
  readonly details: PoisonDetails | undefined;

  constructor(message: string, options?: ErrorOptions & { readonly details?: PoisonDetails }) {
    super(message, options);
    this.details = options?.details;
  }
}

/** A failure that may succeed on retry (timeouts, unavailable, overloaded, a dead-letter send that failed). */
export class TransientError extends SinkError {
  override readonly name = 'TransientError';
  readonly kind = 'transient' as const;
}

/**
 * Many records failing the same way (a wrong mapping, a dropped column): the
 * records are held for the event source to deliver again, never
 * dead-lettered, until the cause is fixed. `cause` is the first record's error.
 */
export class SystemicFailureError extends SinkError {
  override readonly name = 'SystemicFailureError';
  readonly kind = 'transient' as const;

  constructor(
    message: string,
    readonly halt: {
      readonly table: string;
      readonly column: string | undefined;
      readonly reason: string;
      /** Records of the batch held for it, and the batch's records for the table. */
      readonly records: number;
      readonly ofRecords: number;
      /** Why it counts as systemic. */
      readonly rule: string;
      readonly example: RecordLocation;
    },
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isSinkError(error: unknown): error is SinkError {
  return error instanceof SinkError;
}
