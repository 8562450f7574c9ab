import protobuf from 'protobufjs';
import type { DecodedValue } from './decoder.js';
import { messageConverter } from './protobuf-values.js';
import type { CompiledSchema, SchemaFormat, SchemaSource } from './schema-format.js';

/*
 * A .proto file as a registry stores it, parsed by protobufjs (no generated
 * code). Field names are kept as written (snake_case), since mappings name
 * them as the schema does. Imports resolve to the schema's references, or to
 * protobufjs's bundled well-known types (google/protobuf/timestamp.proto, …).
 */

const PARSE_OPTIONS = { keepCase: true };

function messagesOf(namespace: protobuf.NamespaceBase): protobuf.Type[] {
  return namespace.nestedArray.filter((nested): nested is protobuf.Type => nested instanceof protobuf.Type);
}

function loadImports(root: protobuf.Root, imports: readonly string[], references: ReadonlyMap<string, string>, loaded: Set<string>): void {
  for (const name of imports) {
    if (loaded.has(name)) continue;
    loaded.add(name);
    const text = references.get(name);
    if (text !== undefined) {
      const parsed = protobuf.parse(text, root, PARSE_OPTIONS);
      loadImports(root, [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])], references, loaded);
      continue;
    }
    const wellKnown = protobuf.common.get(name);
    if (wellKnown === null) throw new Error(`imports "${name}", which is neither a well-known type nor one of the schema's references`);
    root.addJSON(wellKnown.nested ?? {});
  }
}

function compileProtobuf({ text, references = new Map<string, string>() }: SchemaSource): CompiledSchema {
  const root = new protobuf.Root();
  const parsed = protobuf.parse(text, root, PARSE_OPTIONS);
  // The file's own messages, in file order, before imports add to the same package.
  const namespace = parsed.package === undefined ? root : root.lookup(parsed.package);
  if (!(namespace instanceof protobuf.Namespace) && !(namespace instanceof protobuf.Root))
    throw new Error(`package ${parsed.package ?? ''} not found`);
  const topLevel = messagesOf(namespace);
  if (topLevel.length === 0) throw new Error('the schema declares no message');
  loadImports(root, [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])], references, new Set());
  root.resolveAll();

  const selectType = (indexes: readonly number[]): protobuf.Type => {
    let candidates = topLevel;
    let type: protobuf.Type | undefined;
    for (const index of indexes) {
      type = candidates[index];
      if (type === undefined)
        throw new Error(`message index path [${indexes.join(', ')}] selects no message (index ${index} of ${candidates.length})`);
      candidates = messagesOf(type);
    }
    if (type === undefined) throw new Error('empty message index path');
    return type;
  };
  const decoders = new Map<string, (payload: Buffer) => DecodedValue>();
  const decoderFor = (indexes: readonly number[]) => {
    const key = indexes.join('.');
    let decode = decoders.get(key);
    if (decode === undefined) {
      const type = selectType(indexes);
      const convert = messageConverter(type);
      decode = (payload) => convert(type.decode(payload));
      decoders.set(key, decode);
    }
    return decode;
  };
  return {
    decode: (payload, indexes = [0]) => decoderFor(indexes)(payload),
    describe: (indexes = [0]) => {
      try {
        return `Protobuf message ${selectType(indexes).fullName.slice(1)}`;
      } catch {
        return `Protobuf message [${indexes.join(', ')}]`;
      }
    },
  };
}

export const protobufFormat: SchemaFormat = { name: 'protobuf', compile: compileProtobuf };

/**
 * Confluent's message-index array after the schema id: a zigzag varint count,
 * then that many zigzag varint indexes; a single 0 stands for [0].
 * Returns the indexes and the offset of the payload within `bytes`.
 */
export function readMessageIndexes(bytes: Buffer): { indexes: number[]; offset: number } {
  const reader = protobuf.Reader.create(bytes);
  const count = reader.sint32();
  if (count === 0) return { indexes: [0], offset: reader.pos };
  if (count < 0 || count > 64) throw new Error(`message index count ${count} is out of range`);
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) {
    const index = reader.sint32();
    if (index < 0) throw new Error(`message index ${index} is negative`);
    indexes.push(index);
  }
  return { indexes, offset: reader.pos };
}
