import { ConfigError } from '../errors.js';

/**
 * CQL types as the sink sees them: parsed from `system_schema.columns.type`
 * (and `system_schema.types.field_types` for UDT fields).
 */
export const NATIVE_TYPES = [
  'ascii',
  'text',
  'varchar',
  'int',
  'bigint',
  'smallint',
  'tinyint',
  'varint',
  'decimal',
  'float',
  'double',
  'boolean',
  'timestamp',
  'date',
  'time',
  'duration',
  'uuid',
  'timeuuid',
  'inet',
  'blob',
  'counter',
] as const;

export type NativeTypeName = (typeof NATIVE_TYPES)[number];

export interface NativeType {
  readonly kind: NativeTypeName;
}
export interface ListType {
  readonly kind: 'list';
  readonly element: CqlType;
  readonly frozen: boolean;
}
export interface SetType {
  readonly kind: 'set';
  readonly element: CqlType;
  readonly frozen: boolean;
}
export interface MapType {
  readonly kind: 'map';
  readonly key: CqlType;
  readonly value: CqlType;
  readonly frozen: boolean;
}
export interface TupleType {
  readonly kind: 'tuple';
  readonly elements: readonly CqlType[];
  readonly frozen: boolean;
}
export interface UdtField {
  readonly name: string;
  readonly type: CqlType;
}
export interface UdtType {
  readonly kind: 'udt';
  readonly keyspace: string;
  readonly name: string;
  readonly fields: readonly UdtField[];
  readonly frozen: boolean;
}
export interface VectorType {
  readonly kind: 'vector';
  readonly element: CqlType;
  readonly dimension: number;
}

export type CqlType = NativeType | ListType | SetType | MapType | TupleType | UdtType | VectorType;

/** A user-defined type, already resolved (its field types parsed), as the metadata reader knows it. */
export interface UdtDefinition {
  readonly keyspace: string;
  readonly name: string;
  readonly fields: readonly UdtField[];
}

/** Resolves a UDT name (unquoted form, as stored in system_schema) to its definition. */
export type UdtLookup = (name: string, keyspace: string | undefined) => UdtDefinition | undefined;

const nativeNames: ReadonlySet<string> = new Set(NATIVE_TYPES);

export function isNativeType(type: CqlType): type is NativeType {
  return nativeNames.has(type.kind);
}

const STRUCTURAL: ReadonlySet<string> = new Set(['list', 'set', 'map', 'tuple', 'frozen', 'vector']);

const UNQUOTED_IDENTIFIER = /^[a-z][a-z0-9_]*$/;

function formatIdentifier(name: string): string {
  return UNQUOTED_IDENTIFIER.test(name) && !nativeNames.has(name) && !STRUCTURAL.has(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** Renders a type the way Cassandra writes it in system_schema: `frozen<map<text, list<int>>>`. */
export function formatCqlType(type: CqlType): string {
  switch (type.kind) {
    case 'list':
    case 'set':
      return frozen(type.frozen, `${type.kind}<${formatCqlType(type.element)}>`);
    case 'map':
      return frozen(type.frozen, `map<${formatCqlType(type.key)}, ${formatCqlType(type.value)}>`);
    case 'tuple':
      return frozen(type.frozen, `tuple<${type.elements.map(formatCqlType).join(', ')}>`);
    case 'udt':
      return frozen(type.frozen, formatIdentifier(type.name));
    case 'vector':
      return `vector<${formatCqlType(type.element)}, ${type.dimension}>`;
    default:
      return type.kind;
  }
}

function frozen(isFrozen: boolean, text: string): string {
  return isFrozen ? `frozen<${text}>` : text;
}

/**
 * Parses a CQL type string. `udtLookup` resolves user-defined type names;
 * without it, any UDT name is a ConfigError.
 */
export function parseCqlType(text: string, udtLookup?: UdtLookup): CqlType {
  const parser = new TypeParser(text, udtLookup);
  const type = parser.parseType();
  parser.skipSpaces();
  if (!parser.atEnd()) parser.fail('unexpected text after the type');
  return type;
}

class TypeParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly udtLookup: UdtLookup | undefined,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpaces(): void {
    while (this.pos < this.text.length && /\s/.test(this.text.charAt(this.pos))) this.pos++;
  }

  fail(reason: string, at = this.pos): never {
    throw new ConfigError(`invalid CQL type ${JSON.stringify(this.text)} at position ${at}: ${reason}`);
  }

  private expect(char: string): void {
    this.skipSpaces();
    if (this.text.charAt(this.pos) !== char) this.fail(`expected "${char}"`);
    this.pos++;
  }

  private peek(char: string): boolean {
    this.skipSpaces();
    return this.text.charAt(this.pos) === char;
  }

  /** An identifier; unquoted ones are case-insensitive (lower-cased), quoted ones keep their case. */
  private identifier(): { name: string; quoted: boolean } {
    this.skipSpaces();
    const start = this.pos;
    if (this.text.charAt(this.pos) === '"') {
      let name = '';
      this.pos++;
      for (;;) {
        if (this.atEnd()) this.fail('unterminated quoted identifier', start);
        const char = this.text.charAt(this.pos++);
        if (char === '"') {
          if (this.text.charAt(this.pos) !== '"') break;
          this.pos++;
        }
        name += char;
      }
      if (name === '') this.fail('empty quoted identifier', start);
      return { name, quoted: true };
    }
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!match) this.fail(this.atEnd() ? 'expected a type' : `expected a type, found ${JSON.stringify(this.text.charAt(this.pos))}`);
    this.pos += match[0].length;
    return { name: match[0].toLowerCase(), quoted: false };
  }

  parseType(): CqlType {
    this.skipSpaces();
    const start = this.pos;
    if (this.text.charAt(this.pos) === "'") this.fail('custom (Java class) types are not supported');
    const { name, quoted } = this.identifier();
    if (!quoted) {
      if (nativeNames.has(name)) return { kind: name as NativeTypeName };
      switch (name) {
        case 'frozen':
          return this.frozenType(start);
        case 'list':
        case 'set': {
          this.expect('<');
          const element = this.parseType();
          this.expect('>');
          return { kind: name, element, frozen: false };
        }
        case 'map': {
          this.expect('<');
          const key = this.parseType();
          this.expect(',');
          const value = this.parseType();
          this.expect('>');
          return { kind: 'map', key, value, frozen: false };
        }
        case 'tuple': {
          this.expect('<');
          const elements = [this.parseType()];
          while (this.peek(',')) {
            this.pos++;
            elements.push(this.parseType());
          }
          this.expect('>');
          return { kind: 'tuple', elements, frozen: false };
        }
        case 'vector':
          return this.vectorType();
        default:
          break;
      }
    }
    return this.udtType(name, start);
  }

  private frozenType(start: number): CqlType {
    this.expect('<');
    const inner = this.parseType();
    this.expect('>');
    if (inner.kind === 'list' || inner.kind === 'set' || inner.kind === 'map' || inner.kind === 'tuple' || inner.kind === 'udt') {
      return { ...inner, frozen: true };
    }
    return this.fail(`frozen<> applies to collections, tuples and user-defined types, not ${formatCqlType(inner)}`, start);
  }

  private vectorType(): CqlType {
    this.expect('<');
    const element = this.parseType();
    this.expect(',');
    this.skipSpaces();
    const match = /^\d+/.exec(this.text.slice(this.pos));
    if (!match) this.fail('expected the vector dimension (a positive integer)');
    const dimension = Number(match[0]);
    if (dimension < 1 || !Number.isSafeInteger(dimension)) this.fail(`vector dimension must be a positive integer, not ${match[0]}`);
    this.pos += match[0].length;
    this.expect('>');
    return { kind: 'vector', element, dimension };
  }

  private udtType(firstName: string, start: number): CqlType {
    let keyspace: string | undefined;
    let name = firstName;
    if (this.peek('.')) {
      this.pos++;
      keyspace = firstName;
      name = this.identifier().name;
    }
    const definition = this.udtLookup?.(name, keyspace);
    if (!definition) this.fail(`unknown type ${JSON.stringify(name)} (not a CQL type nor a known user-defined type)`, start);
    return { kind: 'udt', keyspace: definition.keyspace, name: definition.name, fields: definition.fields, frozen: false };
  }
}
