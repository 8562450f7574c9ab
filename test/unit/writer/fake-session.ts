import type { BoundWrite, CqlSession, PreparedStatement, TableSchema, WriteOptions } from '../../../lambdas/core/cql/session.js';

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
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1));
      for (const write of writes) {
        const error = this.failWith(write, kind);
        if (error) throw error;
      }
    } finally {
      this.inFlight--;
    }
  }
}
