import { isIP } from 'node:net';
import { types } from 'cassandra-driver';
import { describeType, fail, isBytes, isDriverValue, toBuffer, type ValueConverter } from './convert-support.js';

/*
 * Text, boolean, blob, uuid and inet, following DSBulk's JSON codecs where
 * they are safe for a sink that replays records: a non-text JSON value into a
 * text column is written as its JSON text; booleans accept DSBulk's default
 * words and numbers; blobs accept 0x-hex (CQL blob literal) or base64.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? fail(value, 'invalid Date') : value.toISOString();
  if (isBytes(value)) {
    try {
      return utf8.decode(value);
    } catch {
      return fail(value, 'bytes are not valid UTF-8');
    }
  }
  if (isDriverValue(value)) return value.toString();
  try {
    return JSON.stringify(value);
  } catch {
    return fail(value, `cannot render ${describeType(value)} as text`);
  }
}

export function textConverter(): ValueConverter {
  return (value) => (typeof value === 'string' ? value : textOf(value));
}

// eslint-disable-next-line no-control-regex -- the ASCII range is the point
const NON_ASCII = /[^\x00-\x7f]/;

export function asciiConverter(): ValueConverter {
  return (value) => {
    const text = textOf(value);
    if (NON_ASCII.test(text)) return fail(value, 'contains non-ASCII characters');
    return text;
  };
}

/** DSBulk's default codec.booleanStrings (1:0, Y:N, T:F, YES:NO, TRUE:FALSE), case-insensitive. */
const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['1', true],
  ['0', false],
  ['y', true],
  ['n', false],
  ['t', true],
  ['f', false],
  ['yes', true],
  ['no', false],
  ['true', true],
  ['false', false],
]);

export function booleanConverter(): ValueConverter {
  return (value) => {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      const word = BOOLEAN_WORDS.get(value.trim().toLowerCase());
      return word ?? fail(value, 'not a boolean (expected true/false, yes/no, y/n, t/f or 1/0)');
    }
    // DSBulk's default codec.booleanNumbers: 1 is true, 0 is false, any other number is rejected.
    if (typeof value === 'number' || typeof value === 'bigint') {
      if (value == 1) return true;
      if (value == 0) return false;
      return fail(value, 'not a boolean (only 1 and 0 are boolean numbers)');
    }
    return fail(value, `expected a boolean, got ${describeType(value)}`);
  };
}

const HEX_BLOB = /^0[xX]((?:[0-9a-fA-F]{2})*)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function blobConverter(): ValueConverter {
  return (value) => {
    if (isBytes(value)) return toBuffer(value);
    if (typeof value !== 'string') return fail(value, `expected base64 text or bytes, got ${describeType(value)}`);
    const text = value.trim();
    const hex = HEX_BLOB.exec(text);
    if (hex) return Buffer.from(hex[1] ?? '', 'hex');
    if (BASE64.test(text)) return Buffer.from(text, 'base64');
    if (BASE64URL.test(text)) return Buffer.from(text, 'base64url');
    return fail(value, 'not base64 nor a 0x hex blob literal');
  };
}

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The dashes of the canonical 36-character text. */
const UUID_DASHES = [8, 13, 18, 23];

/**
 * The canonical text (36 characters, dashes in place, hex digits) to bytes:
 * four dash checks and one hex decode, which stops short at any non-hex ASCII
 * character (so it shows as fewer than 16 bytes); non-ASCII text is left out
 * first, since the decoder reads only a UTF-16 unit's low byte. Undefined for
 * anything else, which takes the general path (trim, then the pattern).
 */
function canonicalUuidBytes(text: string): Buffer | undefined {
  if (text.length !== 36 || Buffer.byteLength(text, 'utf8') !== 36) return undefined;
  for (const dash of UUID_DASHES) if (text.charCodeAt(dash) !== 45) return undefined;
  const bytes = Buffer.from(text.slice(0, 8) + text.slice(9, 13) + text.slice(14, 18) + text.slice(19, 23) + text.slice(24), 'hex');
  return bytes.length === 16 ? bytes : undefined;
}

function uuidBytes(value: unknown): Buffer {
  if (typeof value === 'string') {
    const canonical = canonicalUuidBytes(value);
    if (canonical !== undefined) return canonical;
    const text = value.trim();
    if (!UUID_TEXT.test(text)) return fail(value, 'not a UUID');
    return Buffer.from(text.replaceAll('-', ''), 'hex');
  }
  if (value instanceof types.Uuid) return value.getBuffer();
  if (isBytes(value)) {
    if (value.length !== 16) return fail(value, `a UUID has 16 bytes, not ${value.length}`);
    return Buffer.from(value);
  }
  return fail(value, `expected a UUID string, got ${describeType(value)}`);
}

export function uuidConverter(): ValueConverter {
  return (value) => (value instanceof types.Uuid ? value : new types.Uuid(uuidBytes(value)));
}

/**
 * DSBulk turns a timestamp string into a timeuuid with a random node; we
 * reject it instead: a replayed record would get a different UUID.
 */
export function timeuuidConverter(): ValueConverter {
  return (value) => {
    const bytes = uuidBytes(value);
    const version = (bytes[6] ?? 0) >> 4;
    if (version !== 1) return fail(value, `a timeuuid must be a version 1 UUID, this is version ${version}`);
    return value instanceof types.TimeUuid ? value : new types.TimeUuid(bytes);
  };
}

/**
 * The driver parses embedded IPv4 only in the IPv4-mapped form (`::ffff:1.2.3.4`)
 * and throws a TypeError for other valid forms (`::1.2.3.4`, `64:ff9b::1.2.3.4`);
 * the WHATWG URL parser writes every IPv6 address in plain hex groups first.
 * A zone id (`fe80::1%eth0`) has no place in a 16-byte inet.
 */
function ipv6Address(value: unknown, text: string): types.InetAddress {
  if (text.includes('%')) return fail(value, 'an inet cannot hold an IPv6 zone id');
  let hex: string;
  try {
    hex = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return fail(value, 'not an IPv4 or IPv6 address');
  }
  return types.InetAddress.fromString(hex);
}

/** Addresses only: DSBulk would resolve a host name, which a sink must not do per record. */
export function inetConverter(): ValueConverter {
  return (value) => {
    if (value instanceof types.InetAddress) return value;
    if (typeof value === 'string') {
      const text = value.trim();
      const version = isIP(text);
      if (version === 0) return fail(value, 'not an IPv4 or IPv6 address');
      return version === 4 ? types.InetAddress.fromString(text) : ipv6Address(value, text);
    }
    if (isBytes(value)) {
      if (value.length !== 4 && value.length !== 16) return fail(value, `an inet has 4 or 16 bytes, not ${value.length}`);
      return new types.InetAddress(Buffer.from(value));
    }
    return fail(value, `expected an IP address string, got ${describeType(value)}`);
  };
}
