import { types } from 'cassandra-driver';
import { describeType, fail, longFromBigInt, type ValueConverter } from './convert-support.js';

/*
 * The three literal forms Cassandra accepts for a duration: `1h30m`
 * (units y mo w d h m s ms us|µs ns, largest first), ISO-8601 `P1DT2H` /
 * `P2W`, and the ISO alternative `P0001-02-03T04:05:06`. Our own anchored
 * parser: the driver's Duration.fromString accepts trailing garbage.
 */

const STANDARD = /(\d+)(y|mo|w|d|h|ms|m|s|us|µs|ns)/giy;
const ISO = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const ISO_WEEKS = /^P(\d+)W$/;
const ISO_ALTERNATIVE = /^P(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

const UNIT_ORDER = ['y', 'mo', 'w', 'd', 'h', 'm', 's', 'ms', 'us', 'ns'];
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MAX = 2n ** 63n - 1n;

interface Parts {
  months: bigint;
  days: bigint;
  nanos: bigint;
}

const NANOS: Readonly<Record<string, bigint>> = {
  h: 3_600_000_000_000n,
  m: 60_000_000_000n,
  s: 1_000_000_000n,
  ms: 1_000_000n,
  us: 1_000n,
  ns: 1n,
};

function add(parts: Parts, unit: string, amount: bigint): void {
  if (unit === 'y') parts.months += amount * 12n;
  else if (unit === 'mo') parts.months += amount;
  else if (unit === 'w') parts.days += amount * 7n;
  else if (unit === 'd') parts.days += amount;
  else parts.nanos += amount * (NANOS[unit] ?? 0n);
}

function parseStandard(text: string): Parts | undefined {
  const parts: Parts = { months: 0n, days: 0n, nanos: 0n };
  STANDARD.lastIndex = 0;
  let previous = -1;
  while (STANDARD.lastIndex < text.length) {
    const match = STANDARD.exec(text);
    if (!match) return undefined;
    const unit = (match[2] ?? '').toLowerCase().replace('µ', 'u');
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= previous) return undefined;
    previous = rank;
    add(parts, unit, BigInt(match[1] ?? '0'));
  }
  return previous < 0 ? undefined : parts;
}

function parseIso(text: string): Parts | undefined {
  const weeks = ISO_WEEKS.exec(text);
  if (weeks) return { months: 0n, days: BigInt(weeks[1] ?? '0') * 7n, nanos: 0n };
  const match = ISO.exec(text) ?? ISO_ALTERNATIVE.exec(text);
  const groups: (string | undefined)[] = match ? match.slice(1) : [];
  if (groups.every((group) => group === undefined)) return undefined;
  const [y, mo, d, h, m, s] = groups.map((group) => BigInt(group ?? '0'));
  const parts: Parts = { months: 0n, days: 0n, nanos: 0n };
  add(parts, 'y', y ?? 0n);
  add(parts, 'mo', mo ?? 0n);
  add(parts, 'd', d ?? 0n);
  add(parts, 'h', h ?? 0n);
  add(parts, 'm', m ?? 0n);
  add(parts, 's', s ?? 0n);
  return parts;
}

export function parseDuration(input: string): types.Duration | string {
  const text = input.trim();
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const parts = body.startsWith('P') ? parseIso(body) : parseStandard(body);
  if (!parts) return 'not a duration (expected e.g. 1h30m, P1DT2H or P0000-00-01T02:00:00)';
  if (parts.months > INT32_MAX || parts.days > INT32_MAX || parts.nanos > INT64_MAX) return 'out of range for duration';
  const sign = negative ? -1n : 1n;
  return new types.Duration(Number(sign * parts.months), Number(sign * parts.days), longFromBigInt(sign * parts.nanos));
}

export function durationConverter(): ValueConverter {
  return (value) => {
    if (value instanceof types.Duration) return value;
    if (typeof value !== 'string') return fail(value, `expected a duration string, got ${describeType(value)}`);
    const result = parseDuration(value);
    return typeof result === 'string' ? fail(value, result) : result;
  };
}
