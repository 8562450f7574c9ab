import protobuf from 'protobufjs';
import type { SchemaCompiler } from './glue.js';
import { protobufFormat } from './protobuf.js';

/*
 * Glue's Protobuf payload (awslabs/aws-glue-schema-registry,
 * ProtobufWireFormatEncoder and MessageIndexFinder): one unsigned varint, the
 * message's place among every message type of the .proto file (nested ones
 * included, collected level by level, then sorted by full name), then the
 * message bytes. That index becomes the index path the Protobuf codec
 * (protobuf.ts) selects a message with.
 */

function messagesOf(namespace: protobuf.NamespaceBase): protobuf.Type[] {
  return namespace.nestedArray.filter((nested): nested is protobuf.Type => nested instanceof protobuf.Type);
}

/** Index paths (top-level position, then nested positions) in Glue's message index order. */
export function glueMessagePaths(definition: string): number[][] {
  const root = new protobuf.Root();
  const parsed = protobuf.parse(definition, root, { keepCase: true });
  const namespace = parsed.package === undefined ? root : root.lookup(parsed.package);
  if (!(namespace instanceof protobuf.Namespace)) throw new Error(`package ${parsed.package ?? ''} not found`);
  const found: { name: string; path: number[] }[] = [];
  const queue = messagesOf(namespace).map((type, index) => ({ type, path: [index] }));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    found.push({ name: next.type.fullName, path: next.path });
    const parentPath = next.path;
    queue.push(...messagesOf(next.type).map((type, index) => ({ type, path: [...parentPath, index] })));
  }
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return found.map((entry) => entry.path);
}

function readUnsignedVarint(bytes: Buffer): { value: number; length: number } {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const byte = bytes[i];
    if (byte === undefined) throw new Error('the message index varint is truncated');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value, length: i + 1 };
  }
  throw new Error('the message index varint is longer than 5 bytes');
}

export const compileGlueProtobuf: SchemaCompiler = (definition) => {
  const compiled = protobufFormat.compile({ text: definition });
  const paths = glueMessagePaths(definition);
  return (payload) => {
    const { value: index, length } = readUnsignedVarint(payload);
    const path = paths[index];
    if (path === undefined) throw new Error(`Glue message index ${index} selects no message (the schema has ${paths.length})`);
    return compiled.decode(payload.subarray(length), path);
  };
};
