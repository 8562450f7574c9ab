/**
 * The benchmark's records: a realistic 10-field order event (the shape of
 * config/example.sink.yaml), as JSON text and as Confluent-framed Avro, and
 * the same order as the driver values the sink would bind (for the driver
 * ceiling). Deterministic: record n is always the same order.
 */
import avsc from 'avsc';
import cassandra from 'cassandra-driver';
import protobuf from 'protobufjs';
import type { DemoOrder } from '../../local/runner/demo-data.js';

/** The demo's order shape (config/example.sink.yaml), so the bench measures what the demo runs. */
export type Order = DemoOrder;

const STATUSES = ['NEW', 'PAID', 'PACKED', 'SHIPPED', 'DELIVERED', 'REFUNDED'];
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF'];
const CITIES = [
  ['Lyon', '69001', 'FR'],
  ['Berlin', '10115', 'DE'],
  ['Leeds', 'LS1 1UR', 'GB'],
  ['Zürich', '8001', 'CH'],
  ['Austin', '73301', 'US'],
] as const;
const TAGS = ['gift', 'express', 'fragile', 'b2b', 'promo'];
const T0 = Date.UTC(2026, 2, 1, 10, 0, 0);

/** A small deterministic PRNG (mulberry32) so every run writes the same orders. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A version-4-shaped UUID made from the record number and a run salt (unique per run, so runs never overwrite each other). */
export function orderId(n: number, salt: number): string {
  const hex = (value: number, width: number): string => (value >>> 0).toString(16).padStart(width, '0').slice(-width);
  return `${hex(salt, 8)}-${hex(n >>> 16, 4)}-4${hex(n, 3)}-8${hex(n >>> 12, 3)}-${hex(n * 2654435761, 8)}${hex(salt >>> 8, 4)}`;
}

export function makeOrder(n: number, salt = 0): Order {
  const r = rng(n * 7919 + 17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
  const city = pick(CITIES);
  const items = Array.from({ length: 1 + Math.floor(r() * 4) }, () => `sku-${String(1 + Math.floor(r() * 5000))}`);
  const tags = [...new Set(Array.from({ length: Math.floor(r() * 3) }, () => pick(TAGS)))];
  return {
    order_id: orderId(n, salt),
    customer_id: `c-${String(1000 + Math.floor(r() * 50_000))}`,
    status: pick(STATUSES),
    amount: (Math.floor(r() * 100_000) / 100).toFixed(2),
    currency: pick(CURRENCIES),
    items,
    created_at: new Date(T0 + n * 1000).toISOString(),
    shipping: { street: `${String(1 + Math.floor(r() * 200))} Main Street`, city: city[0], zip: city[1], country: city[2] },
    tags,
    retention_days: 30 + Math.floor(r() * 335),
  };
}

/** The bench keyspace schema: one table holding every field of the order. */
export function schemaCql(keyspace: string): string[] {
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    `CREATE TYPE IF NOT EXISTS ${keyspace}.address (street text, city text, zip text, country text)`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.orders (order_id uuid PRIMARY KEY, customer_id text, status text, amount decimal, currency text,
       items list<text>, created_at timestamp, shipping frozen<address>, tags set<text>, retention_days int)`,
  ];
}

/** The sink mapping of the bench table: every field, keyed by the order id in the value. */
export const ORDER_MAPPING =
  'order_id=value.order_id, customer_id=value.customer_id, status=value.status, amount=value.amount, currency=value.currency, ' +
  'items=value.items, created_at=value.created_at, shipping=value.shipping, tags=value.tags, retention_days=value.retention_days';

export const ORDER_COLUMNS = [
  'order_id',
  'customer_id',
  'status',
  'amount',
  'currency',
  'items',
  'created_at',
  'shipping',
  'tags',
  'retention_days',
] as const;

/** The same statement text the sink prepares for ORDER_MAPPING (client timestamps on, no TTL). */
export function insertCqlOf(keyspace: string): string {
  return `INSERT INTO "${keyspace}"."orders" (${ORDER_COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES (${ORDER_COLUMNS.map(() => '?').join(', ')}) USING TIMESTAMP ?`;
}

/** The driver values of one order in ORDER_COLUMNS order, then the write time in µs (a BigInt: the sink's client encodes longs as BigInt): what the sink binds. */
export function driverValues(order: Order, timestampMs: number): unknown[] {
  return [
    cassandra.types.Uuid.fromString(order.order_id),
    order.customer_id,
    order.status,
    cassandra.types.BigDecimal.fromString(order.amount),
    order.currency,
    [...order.items],
    new Date(order.created_at),
    { ...order.shipping },
    [...order.tags],
    order.retention_days,
    BigInt(timestampMs) * 1000n,
  ];
}

export const ORDER_AVRO_SCHEMA = {
  type: 'record',
  name: 'Order',
  namespace: 'bench.shop',
  fields: [
    { name: 'order_id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'customer_id', type: 'string' },
    { name: 'status', type: 'string' },
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
    { name: 'currency', type: 'string' },
    { name: 'items', type: { type: 'array', items: 'string' } },
    { name: 'created_at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    {
      name: 'shipping',
      type: {
        type: 'record',
        name: 'Address',
        fields: [
          { name: 'street', type: 'string' },
          { name: 'city', type: 'string' },
          { name: 'zip', type: 'string' },
          { name: 'country', type: 'string' },
        ],
      },
    },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'retention_days', type: 'int' },
  ],
} as const;

/** Writer type without logical types: the encoder is given the raw representation (unscaled bytes, epoch millis). */
const writerType = avsc.Type.forSchema(ORDER_AVRO_SCHEMA as unknown as avsc.Schema);

/** Two's-complement big-endian bytes of an integer (the Avro decimal representation). */
export function twosComplement(value: bigint): Buffer {
  let hex = (value < 0n ? -value : value).toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (value >= 0n) return bytes[0] !== undefined && bytes[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  // Negate: invert and add one, with room for the sign bit.
  bytes = Buffer.concat([Buffer.from([0]), bytes]);
  let carry = 1;
  for (let i = bytes.length - 1; i >= 0; i--) {
    const inverted = (~(bytes[i] as number) & 0xff) + carry;
    bytes[i] = inverted & 0xff;
    carry = inverted >> 8;
  }
  return bytes;
}

/** The Confluent wire format: magic 0, schema id (int32 BE), Avro binary. */
export function avroValue(order: Order, schemaId: number): Buffer {
  const unscaled = BigInt(order.amount.replace('.', ''));
  const payload = writerType.toBuffer({ ...order, amount: twosComplement(unscaled), created_at: Date.parse(order.created_at) });
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}

export function jsonValue(order: Order): Buffer {
  return Buffer.from(JSON.stringify(order));
}

/** The order as Protobuf: the decimal as text (Protobuf has none), the time a well-known Timestamp. */
export const ORDER_PROTO_SCHEMA = `syntax = "proto3";
package bench.shop;
import "google/protobuf/timestamp.proto";
message Order {
  string order_id = 1;
  string customer_id = 2;
  string status = 3;
  string amount = 4;
  string currency = 5;
  repeated string items = 6;
  google.protobuf.Timestamp created_at = 7;
  Address shipping = 8;
  repeated string tags = 9;
  int32 retention_days = 10;
}
message Address {
  string street = 1;
  string city = 2;
  string zip = 3;
  string country = 4;
}
`;

const protoRoot = new protobuf.Root();
protobuf.parse(ORDER_PROTO_SCHEMA, protoRoot, { keepCase: true });
protoRoot.addJSON(protobuf.common.get('google/protobuf/timestamp.proto')?.nested ?? {});
const protoOrder = protoRoot.lookupType('bench.shop.Order');

/** The Confluent wire format for Protobuf: magic 0, schema id, message indexes [0] (one byte 0), the message. */
export function protobufValue(order: Order, schemaId: number): Buffer {
  const millis = Date.parse(order.created_at);
  const message = protoOrder.fromObject({ ...order, created_at: { seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1e6 } });
  const header = Buffer.alloc(6);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, protoOrder.encode(message).finish()]);
}
