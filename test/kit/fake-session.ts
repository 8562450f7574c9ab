import type { BoundWrite, CqlSession, PreparedStatement, TableSchema, WriteOptions } from '../../lambdas/core/cql/session.js';

export interface FakeCall {
  readonly kind: 'execute' | 'batch';
  readonly writes: readonly BoundWrite[];
  readonly options: WriteOptions;
}

/**
 * A CqlSession that records what it is asked to do. `failWith` decides,
 * per bound write, whether the request that carries it fails.
 */
export class FakeSession implements CqlSession {
  readonly calls: FakeCall[] = [];
  readonly prepared: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failWith: (write: BoundWrite, call: 'execute' | 'batch') => Error | undefined = () => undefined;
  /** How long a request takes: one timer tick by default. */
  delay: () => Promise<unknown> = () => new Promise((resolve) => setTimeout(resolve, 1));
  /** "start <values>" and "end <values>" (first value of each write, comma-separated) in the order they happen; tests may add their own lines. */
  readonly log: string[] = [];

  constructor(private readonly tables: readonly TableSchema[] = []) {}

  readTable(keyspace: string, table: string): Promise<TableSchema | { missing: 'keyspace' | 'table' }> {
    const found = this.tables.find((t) => t.keyspace === keyspace && t.table === table);
    if (found) return Promise.resolve(found);
    return Promise.resolve({ missing: this.tables.some((t) => t.keyspace === keyspace) ? 'table' : 'keyspace' });
  }

  prepare(cql: string): Promise<PreparedStatement> {
    this.prepared.push(cql);
    const names = [...cql.matchAll(/:(\w+)/g)].map((m) => m[1] ?? '');
    return Promise.resolve({ cql, variables: names.map((name) => ({ name, type: 'text' })) });
  }

  execute(statement: PreparedStatement, values: readonly unknown[], options: WriteOptions): Promise<void> {
    return this.run('execute', [{ statement, values }], options);
  }

  batch(items: readonly BoundWrite[], options: WriteOptions): Promise<void> {
    return this.run('batch', items, options);
  }

  private async run(kind: 'execute' | 'batch', writes: readonly BoundWrite[], options: WriteOptions): Promise<void> {
    this.calls.push({ kind, writes, options });
    const values = writes.map((write) => String(write.values[0])).join(',');
    this.log.push(`start ${values}`);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.delay();
      for (const write of writes) {
        const error = this.failWith(write, kind);
        if (error) throw error;
      }
    } finally {
      this.inFlight--;
      this.log.push(`end ${values}`);
    }
  }
}
