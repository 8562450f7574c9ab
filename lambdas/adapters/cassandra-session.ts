import cassandra from 'cassandra-driver';
// @ts-expect-error -- the driver's internal prepare step ships without types; see prepareOnly below.
import PrepareHandlerModule from 'cassandra-driver/lib/prepare-handler.js';
import type { ConsistencyLevel } from '../core/config/table.js';
import type {
  BoundWrite,
  ColumnKind,
  CqlSession,
  MissingTable,
  PreparedStatement,
  TableSchema,
  WriteOptions,
} from '../core/cql/session.js';
import { ConfigError, PoisonRecordError, TransientError, type PoisonDetails, type SinkError } from '../core/errors.js';

const { errors, types } = cassandra;
const codes = types.responseErrorCodes;

/** The subset of the driver's internal prepare result the adapter reads. */
interface DriverTypeInfo {
  readonly code: number;
  readonly info?: unknown;
  readonly customTypeName?: string;
}
interface DriverPrepared {
  readonly meta: { readonly columns: readonly { readonly name: string; readonly type: DriverTypeInfo }[] };
}
interface PrepareHandlerStatic {
  getPrepared(client: cassandra.Client, loadBalancing: unknown, query: string, keyspace: string | undefined): Promise<DriverPrepared>;
}
const PrepareHandler = PrepareHandlerModule as PrepareHandlerStatic;

const CONSISTENCY: Record<ConsistencyLevel, number> = {
  ANY: types.consistencies.any,
  ONE: types.consistencies.one,
  TWO: types.consistencies.two,
  THREE: types.consistencies.three,
  QUORUM: types.consistencies.quorum,
  ALL: types.consistencies.all,
  LOCAL_ONE: types.consistencies.localOne,
  LOCAL_QUORUM: types.consistencies.localQuorum,
  EACH_QUORUM: types.consistencies.eachQuorum,
};

/**
 * The CqlSession port on cassandra-driver 4.x. It takes a Client built
 * elsewhere (connection profiles) with `encoding: CQL_DRIVER_ENCODING`, and
 * never shuts it down.
 *
 * The driver has no public "prepare only": `execute(…, { prepare: true })`
 * prepares on first use. To prepare at init, and to fail the init rather
 * than the first record when a statement does not fit the cluster, this
 * calls the same internal step `execute` uses (PrepareHandler.getPrepared),
 * which fills the driver's cache of prepared statements; later executions
 * find them there. It is the one internal the adapter relies on.
 */
export function createCassandraSession(client: cassandra.Client): CqlSession {
  const connect = once(() => client.connect());
  return {
    async readTable(keyspace, table) {
      try {
        await connect();
        return await readTable(client, keyspace, table);
      } catch (error) {
        throw classify(error, 'init');
      }
    },
    async prepare(cql) {
      try {
        await connect();
        const lbp = (client as unknown as { options: { policies: { loadBalancing: unknown } } }).options.policies.loadBalancing;
        const { meta } = await PrepareHandler.getPrepared(client, lbp, cql, client.keyspace);
        const variables = meta.columns.map((column) => ({ name: column.name, type: typeText(column.type) }));
        return { cql, variables };
      } catch (error) {
        throw classify(error, 'init');
      }
    },
    async execute(statement: PreparedStatement, values: readonly unknown[], options: WriteOptions) {
      try {
        await client.execute(statement.cql, values as unknown[], queryOptions(options));
      } catch (error) {
        throw classify(error, 'write');
      }
    },
    async batch(items: readonly BoundWrite[], options: WriteOptions) {
      try {
        const queries = items.map((item) => ({ query: item.statement.cql, params: item.values as unknown[] }));
        const batchOptions = queryOptions(options);
        batchOptions.logged = false;
        batchOptions.counter = options.counter === true;
        await client.batch(queries, batchOptions);
      } catch (error) {
        throw classify(error, 'write');
      }
    },
  };
}

function queryOptions(options: WriteOptions): cassandra.QueryOptions {
  // Built per write: one literal, not a spread of a second object.
  const query: cassandra.QueryOptions = { prepare: true, consistency: CONSISTENCY[options.consistency], isIdempotent: options.idempotent };
  if (options.timeoutMs !== undefined) query.readTimeout = options.timeoutMs;
  return query;
}

async function readTable(client: cassandra.Client, keyspace: string, table: string): Promise<TableSchema | MissingTable> {
  const keyspaces = await client.execute('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace], {
    prepare: true,
  });
  if (keyspaces.rowLength === 0) return { missing: 'keyspace' };
  const [columns, udts] = await Promise.all([
    client.execute(
      'SELECT column_name, kind, position, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?',
      [keyspace, table],
      { prepare: true },
    ),
    client.execute('SELECT type_name, field_names, field_types FROM system_schema.types WHERE keyspace_name = ?', [keyspace], {
      prepare: true,
    }),
  ]);
  if (columns.rowLength === 0) return { missing: 'table' };
  return {
    keyspace,
    table,
    columns: columns.rows.map((row) => ({
      name: String(row.get('column_name')),
      type: String(row.get('type')),
      kind: String(row.get('kind')) as ColumnKind,
      position: Number(row.get('position')),
    })),
    udts: udts.rows.map((row) => ({
      keyspace,
      name: String(row.get('type_name')),
      fieldNames: (row.get('field_names') as string[] | null) ?? [],
      fieldTypes: (row.get('field_types') as string[] | null) ?? [],
    })),
  };
}

const CUSTOM: number = types.dataTypes.custom;
const UDT: number = types.dataTypes.udt;
const TYPE_NAMES = new Map<number, string>(
  Object.entries(types.dataTypes).flatMap(([name, code]) => (typeof code === 'number' ? [[code, name] as const] : [])),
);

/** A bind variable's driver type as CQL type text (frozen-ness is not in the protocol, and conversion does not need it). */
function typeText(type: DriverTypeInfo): string {
  const name = TYPE_NAMES.get(type.code) ?? 'blob';
  const { info } = type;
  if (type.code === CUSTOM && type.customTypeName === 'vector' && Array.isArray(info)) {
    return `vector<${typeText(info[0] as DriverTypeInfo)}, ${String(info[1])}>`;
  }
  if (type.code === UDT && info !== null && typeof info === 'object') {
    const udt = info as { keyspace: string; name: string };
    return `"${udt.keyspace.replaceAll('"', '""')}"."${udt.name.replaceAll('"', '""')}"`;
  }
  if (Array.isArray(info)) return `${name}<${info.map((inner) => typeText(inner as DriverTypeInfo)).join(', ')}>`;
  if (info !== null && typeof info === 'object' && typeof (info as DriverTypeInfo).code === 'number')
    return `${name}<${typeText(info as DriverTypeInfo)}>`;
  return name;
}

const TRANSIENT_CODES: ReadonlySet<number> = new Set([
  codes.serverError,
  codes.protocolError,
  codes.unavailableException,
  codes.overloaded,
  codes.isBootstrapping,
  codes.truncateError,
  codes.writeTimeout,
  codes.readTimeout,
  codes.readFailure,
  codes.writeFailure,
  codes.unprepared,
]);
const ACCESS_CODES: ReadonlySet<number> = new Set([codes.badCredentials, codes.unauthorized]);
const CODE_NAMES = new Map<number, string>(
  Object.entries(codes).flatMap(([name, code]) => (typeof code === 'number' ? [[code, name] as const] : [])),
);

/**
 * Maps a driver error onto the taxonomy. At init, what the server refuses is
 * the deployment's fault (ConfigError). While writing, a refused statement
 * is the record's fault (PoisonRecordError) unless the refusal would hit
 * every record: missing permissions or a table dropped under the sink are
 * transient, so good records are retried rather than dead-lettered.
 */
export function classify(error: unknown, phase: 'init' | 'write'): SinkError {
  const message = describe(error);
  if (error instanceof errors.ResponseError) {
    const access = ACCESS_CODES.has(error.code);
    if (TRANSIENT_CODES.has(error.code)) return new TransientError(message, { cause: error });
    if (phase === 'init') return new ConfigError(message, { cause: error });
    if (access || /unconfigured table|keyspace .* does not exist/i.test(error.message))
      return new TransientError(message, { cause: error });
    return new PoisonRecordError(message, { cause: error, details: serverRejection(error) });
  }
  if (error instanceof errors.AuthenticationError || (error instanceof errors.NoHostAvailableError && allAuthentication(error))) {
    return phase === 'init' ? new ConfigError(message, { cause: error }) : new TransientError(message, { cause: error });
  }
  // The driver's encoder rejects a value it cannot serialise for the column's type: that is this record.
  if (phase === 'write' && (error instanceof TypeError || error instanceof RangeError || error instanceof errors.ArgumentError)) {
    return new PoisonRecordError(message, { cause: error });
  }
  return new TransientError(message, { cause: error });
}

/**
 * What a server rejection is about, without the values: the same refusal of
 * many records (a column dropped under the sink, say) is then one failure for
 * the brake. Prepared binds keep values out of most messages; digits are
 * masked for the rest (sizes, positions).
 */
function serverRejection(error: cassandra.errors.ResponseError): PoisonDetails {
  const column = /\bcolumn(?: name)?\s+"?([A-Za-z0-9_]+)"?/i.exec(error.message)?.[1];
  const reason = `Cassandra ${CODE_NAMES.get(error.code) ?? `error 0x${error.code.toString(16)}`}: ${error.message.replace(/\d+/g, 'N').slice(0, 160)}`;
  return column === undefined ? { reason } : { column, reason };
}

function allAuthentication(error: cassandra.errors.NoHostAvailableError): boolean {
  const inner = Object.values((error.innerErrors ?? {}) as Record<string, unknown>);
  return inner.length > 0 && inner.every((e) => e instanceof errors.AuthenticationError);
}

function describe(error: unknown): string {
  if (error instanceof errors.ResponseError)
    return `Cassandra ${CODE_NAMES.get(error.code) ?? `error 0x${error.code.toString(16)}`}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function once(start: () => Promise<void>): () => Promise<void> {
  let started: Promise<void> | undefined;
  return () => {
    started ??= start().catch((error: unknown) => {
      started = undefined;
      throw error;
    });
    return started;
  };
}
