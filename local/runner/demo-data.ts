/**
 * Demo records for the `orders` topic of config/example.sink.yaml: realistic
 * orders (the ten fields of the config's header comment, keyed by order id),
 * a few poison records that can never be written, and a few tombstones that
 * delete an order produced earlier in the same run.
 *
 * Generation is pure and seeded, so a test can compute exactly which rows and
 * which dead letters a run must end with.
 */

export interface DemoOrder {
  readonly order_id: string;
  readonly customer_id: string;
  readonly status: string;
  readonly amount: string;
  readonly currency: string;
  readonly items: readonly string[];
  readonly created_at: string;
  readonly shipping: { readonly street: string; readonly city: string; readonly zip: string; readonly country: string };
  readonly tags: readonly string[];
  readonly retention_days: number;
}

export type DemoRecord =
  | { readonly kind: 'order'; readonly key: string; readonly order: DemoOrder }
  /** `value` is the JSON text; `reason` says why no table can take it. */
  | { readonly kind: 'poison'; readonly key: string; readonly value: string; readonly reason: string }
  /** Deletes the order with this key (null value). */
  | { readonly kind: 'tombstone'; readonly key: string };

export interface DemoPlanOptions {
  readonly count: number;
  /** Poison records among `count`; default about 1 in 50, at least 1 (0 when count < 10). */
  readonly poison?: number;
  /** Tombstones among `count`; default about 1 in 50, at least 1 (0 when count < 10). */
  readonly tombstones?: number;
  readonly seed?: number;
  /** created_at values fall in the 30 days before this (epoch ms); default now. */
  readonly now?: number;
}

const STATUSES = ['NEW', 'PAID', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
const CURRENCIES = ['EUR', 'EUR', 'USD', 'GBP'] as const;
const TAGS = ['gift', 'express', 'fragile', 'b2b'] as const;
const CITIES = [
  { city: 'Lyon', zip: '69001', country: 'FR', street: 'Rue Haute' },
  { city: 'Paris', zip: '75011', country: 'FR', street: 'Rue Oberkampf' },
  { city: 'Berlin', zip: '10115', country: 'DE', street: 'Invalidenstraße' },
  { city: 'Madrid', zip: '28013', country: 'ES', street: 'Calle Mayor' },
  { city: 'Leeds', zip: 'LS1 4AP', country: 'GB', street: 'Briggate' },
  { city: 'Austin', zip: '73301', country: 'US', street: 'Congress Ave' },
] as const;

/** mulberry32: a small seeded PRNG, good enough for demo data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

function uuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + Math.floor(rand() * 4)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function demoOrder(rand: () => number, now = Date.now()): DemoOrder {
  const where = pick(rand, CITIES);
  const items = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => `sku-${String(1 + Math.floor(rand() * 500))}`);
  const tags = TAGS.filter(() => rand() < 0.3);
  // Whole seconds within the last 30 days.
  const created = Math.floor((now - rand() * 30 * 86_400_000) / 1000) * 1000;
  return {
    order_id: uuid(rand),
    customer_id: `c-${String(1000 + Math.floor(rand() * 200))}`,
    status: pick(rand, STATUSES),
    amount: (5 + rand() * 495).toFixed(2),
    currency: pick(rand, CURRENCIES),
    items: [...new Set(items)],
    created_at: new Date(created).toISOString().replace('.000Z', 'Z'),
    shipping: {
      street: `${String(1 + Math.floor(rand() * 120))} ${where.street}`,
      city: where.city,
      zip: where.zip,
      country: where.country,
    },
    tags,
    retention_days: 30 + Math.floor(rand() * 335),
  };
}

function defaultShare(count: number): number {
  return count < 10 ? 0 : Math.max(1, Math.round(count / 50));
}

/** Evenly spread positions in 1..count-1 (never the first record, so a tombstone always follows an order). */
function spread(n: number, count: number, phase: number): number[] {
  return Array.from({ length: n }, (_, k) => Math.min(count - 1, 1 + Math.floor(((k + phase) * (count - 1)) / n)));
}

/**
 * The records of one demo run, in produce order. A tombstone deletes an order
 * that comes before it (same key, so same partition, so after it in Kafka).
 */
export function planDemoRecords(options: DemoPlanOptions): DemoRecord[] {
  const { count } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${String(count)}`);
  const poison = options.poison ?? defaultShare(count);
  const tombstones = options.tombstones ?? defaultShare(count);
  if (poison < 0 || tombstones < 0 || poison + 2 * tombstones > count) {
    throw new RangeError(
      `poison (${String(poison)}) + 2 × tombstones (${String(tombstones)}) must fit in count (${String(count)}): each tombstone deletes an order of the run`,
    );
  }
  const rand = random(options.seed ?? Date.now());
  const now = options.now ?? Date.now();
  const kinds = new Array<'order' | 'poison' | 'tombstone'>(count).fill('order');
  const place = (positions: number[], kind: 'poison' | 'tombstone'): void => {
    for (let at of positions) {
      while (kinds[at] !== 'order') at = (at % (count - 1)) + 1;
      kinds[at] = kind;
    }
  };
  place(spread(tombstones, count, 0.75), 'tombstone');
  place(spread(poison, count, 0.4), 'poison');

  const records: DemoRecord[] = [];
  const live: string[] = [];
  const deferred: number[] = [];
  for (const [index, kind] of kinds.entries()) {
    if (kind === 'tombstone') {
      const victim = live.splice(Math.floor(rand() * live.length), 1)[0];
      if (victim === undefined) {
        deferred.push(index);
        records.push({ kind: 'order', key: '', order: demoOrder(rand, now) });
        continue;
      }
      records.push({ kind: 'tombstone', key: victim });
      continue;
    }
    if (kind === 'poison') {
      records.push(poisonRecord(rand, records.filter((r) => r.kind === 'poison').length, now));
      continue;
    }
    const order = demoOrder(rand, now);
    live.push(order.order_id);
    records.push({ kind: 'order', key: order.order_id, order });
  }
  // A tombstone placed before any order became an order; fix its key now.
  for (const index of deferred) {
    const record = records[index];
    if (record?.kind === 'order') records[index] = { kind: 'order', key: record.order.order_id, order: record.order };
  }
  return records;
}

function poisonRecord(rand: () => number, n: number, now: number): DemoRecord {
  const order = demoOrder(rand, now);
  switch (n % 3) {
    case 0:
      return {
        kind: 'poison',
        key: order.order_id,
        value: JSON.stringify({ ...order, amount: '12,5x' }),
        reason: 'amount is not a decimal number',
      };
    case 1: {
      const bad = `order-${order.order_id.slice(0, 8)}`;
      return { kind: 'poison', key: bad, value: JSON.stringify({ ...order, order_id: bad }), reason: 'order_id is not a uuid' };
    }
    default:
      return {
        kind: 'poison',
        key: order.order_id,
        value: JSON.stringify({ ...order, created_at: 'yesterday at noon' }),
        reason: 'created_at is not a timestamp',
      };
  }
}

/** The value bytes of a demo record (null for a tombstone). */
export function demoValue(record: DemoRecord): Buffer | null {
  switch (record.kind) {
    case 'order':
      return Buffer.from(JSON.stringify(record.order));
    case 'poison':
      return Buffer.from(record.value);
    case 'tombstone':
      return null;
  }
}

export interface DemoExpectation {
  /** Orders that must be in shop.orders_by_id, by order id. */
  readonly byId: ReadonlyMap<string, DemoOrder>;
  /** Orders that must be in shop.orders_by_customer (deletes are off there: tombstoned orders stay). */
  readonly byCustomer: readonly DemoOrder[];
  readonly poisonKeys: readonly string[];
  readonly tombstoneKeys: readonly string[];
}

export function expectedDemoState(records: readonly DemoRecord[]): DemoExpectation {
  const byId = new Map<string, DemoOrder>();
  const byCustomer: DemoOrder[] = [];
  const poisonKeys: string[] = [];
  const tombstoneKeys: string[] = [];
  for (const record of records) {
    if (record.kind === 'order') {
      byId.set(record.key, record.order);
      byCustomer.push(record.order);
    } else if (record.kind === 'poison') {
      poisonKeys.push(record.key);
    } else {
      byId.delete(record.key);
      tombstoneKeys.push(record.key);
    }
  }
  return { byId, byCustomer, poisonKeys, tombstoneKeys };
}
