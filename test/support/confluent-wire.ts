import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

/** Test producer side of the Confluent wire format (the sink only reads it). */

export function confluentHeader(id: number): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return header;
}

/** Message indexes as Confluent's serializer writes them: [0] as the single byte 0, else zigzag count + indexes. */
export function messageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const writer = protobuf.Writer.create().sint32(indexes.length);
  for (const index of indexes) writer.sint32(index);
  return Buffer.from(writer.finish());
}

export function protobufWire(id: number, indexes: readonly number[], payload: Uint8Array): Buffer {
  return Buffer.concat([confluentHeader(id), messageIndexes(indexes), payload]);
}

export function jsonWire(id: number, value: unknown): Buffer {
  return Buffer.concat([confluentHeader(id), Buffer.from(JSON.stringify(value))]);
}

export const protoFixture = (name: string): string => readFileSync(new URL(`../fixtures/protobuf/${name}`, import.meta.url), 'utf8');

/** A producer-side protobufjs root of everything.proto (its import resolved to address.proto). */
export function producerRoot(): protobuf.Root {
  const root = new protobuf.Root();
  protobuf.parse(protoFixture('address.proto'), root, { keepCase: true });
  protobuf.parse(protoFixture('everything.proto'), root, { keepCase: true });
  for (const name of ['timestamp', 'duration', 'wrappers'])
    root.addJSON(protobuf.common.get(`google/protobuf/${name}.proto`)?.nested ?? {});
  root.resolveAll();
  return root;
}

export function encodeMessage(root: protobuf.Root, typeName: string, value: Record<string, unknown>): Uint8Array {
  const type = root.lookupType(typeName);
  // fromObject, not verify: verify refuses 64-bit integers written as decimal strings.
  return type.encode(type.fromObject(value)).finish();
}
