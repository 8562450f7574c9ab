import { PoisonRecordError, showValue } from '../errors.js';

/*
 * JSON.parse turns 9223372036854775807 into 9223372036854776000 and
 * 0.12345678901234567891 into a double. A bigint or decimal column must get
 * the digits the producer wrote, so a long number keeps its source text:
 * integers become BigInt, other numbers with more than 15 significant digits
 * stay as their exact text (every numeric converter reads text). The reviver only runs when the
 * text has a run of 16+ digits, which keeps the common case at native speed.
 */

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const RUN = 16;

function isDigit(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return c >= DIGIT_0 && c <= DIGIT_9;
}

/**
 * Whether the text has 16 ASCII digits in a row (what `/\d{16}/` tests), at a
 * tenth of the regular expression's cost on a typical record: such a run
 * covers exactly one of the indices 15, 31, 47, …, so only those characters
 * are looked at, and the run is measured around a digit found there.
 */
export function hasLongDigitRun(text: string): boolean {
  for (let i = RUN - 1; i < text.length; i += RUN) {
    if (!isDigit(text, i)) continue;
    let start = i;
    while (start > 0 && isDigit(text, start - 1)) start--;
    let end = i + 1;
    while (end < text.length && end - start < RUN && isDigit(text, end)) end++;
    if (end - start >= RUN) return true;
  }
  return false;
}
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
    return hasLongDigitRun(text) ? (JSON.parse(text, preserveLongNumbers) as unknown) : (JSON.parse(text) as unknown);
  } catch (error) {
    throw new PoisonRecordError(
      `${what} is not valid JSON (${error instanceof Error ? error.message : String(error)}): ${showValue(text)}`,
      { cause: error },
    );
  }
}
