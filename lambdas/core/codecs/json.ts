import { PoisonRecordError, showValue } from '../errors.js';

/*
 * JSON.parse turns 9223372036854775807 into 9223372036854776000 and
 * 0.12345678901234567891 into a double. A bigint or decimal column must get
 * the digits the producer wrote, so a long number keeps its source text:
 * integers become BigInt, other numbers with more than 15 significant digits
 * stay as their exact text (every numeric converter reads text). The reviver only runs when the
 * text has a run of 16+ digits, which keeps the common case at native speed.
 */
const LONG_DIGIT_RUN = /\d{16}/;
const INTEGER_SOURCE = /^-?\d+$/;

interface ReviverContext {
  readonly source?: string;
}

function preserveLongNumbers(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value !== 'number' || context?.source === undefined) return value;
  const source = context.source;
  if (INTEGER_SOURCE.test(source)) return Number.isSafeInteger(value) ? value : BigInt(source);
  return significantDigits(source) > 15 ? source : value;
}

/** Digits of the mantissa without leading or trailing zeros: more than 15 may not survive a double. */
function significantDigits(source: string): number {
  const mantissa = source.replace(/[eE].*$/, '').replace(/[-+.]/g, '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

export function parseJson(text: string, what: string): unknown {
  try {
    return LONG_DIGIT_RUN.test(text) ? (JSON.parse(text, preserveLongNumbers) as unknown) : (JSON.parse(text) as unknown);
  } catch (error) {
    throw new PoisonRecordError(
      `${what} is not valid JSON (${error instanceof Error ? error.message : String(error)}): ${showValue(text)}`,
      { cause: error },
    );
  }
}
