/**
 * A real sink connector on Kafka Connect standalone 4.3.1, for the cut-over
 * test, on the worker of local/services/connect-worker.ts: the DataStax Apache
 * Kafka Connector 1.5.0 where its jar is provided (datastaxConnectorDir), on the
 * connector-free runtime of local/services/maven/connect-runtime; otherwise the
 * Camel CQL sink the bench installs from Maven Central (local/services/maven/connect).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DATASTAX_CONNECTOR_JAR,
  DATASTAX_CONNECTOR_LABEL,
  camelConnectorConfig,
  datastaxConnectorConfig,
  datastaxConnectorDir,
  startConnectWorker,
} from '../../local/services/connect-worker.js';
import { resolveJars } from '../../local/services/java.js';

export interface ConnectorChoice {
  readonly kind: 'datastax' | 'camel';
  /** Named in the test title. */
  readonly label: string;
  /** Where its jars come from, for the log. */
  readonly source: string;
  /** Whether it writes with the Kafka timestamp × 1000 (USING TIMESTAMP), as the sink does. */
  readonly writesKafkaTimestamp: boolean;
  readonly pluginDir?: string;
}

/** The DataStax connector when its folder exists, else the Camel one. */
export function chooseConnector(): ConnectorChoice {
  const { dir, looked } = datastaxConnectorDir();
  if (dir !== undefined) {
    return {
      kind: 'datastax',
      label: DATASTAX_CONNECTOR_LABEL,
      source: path.join(dir, DATASTAX_CONNECTOR_JAR),
      writesKafkaTimestamp: true,
      pluginDir: dir,
    };
  }
  return {
    kind: 'camel',
    label: 'Camel CQL sink connector 0.11.0',
    source: `Maven Central (no ${DATASTAX_CONNECTOR_JAR} in ${looked})`,
    writesKafkaTimestamp: false,
  };
}

export interface ConnectorTarget {
  readonly name: string;
  readonly topic: string;
  readonly keyspace: string;
  readonly table: string;
  readonly tasks: number;
}

export interface RunningConnect {
  readonly dir: string;
  /** Stops the worker (SIGTERM: tasks commit their offsets on the way out) and waits for its exit. */
  stop(): Promise<void>;
  /** Rejects when the worker exits on its own. */
  readonly exited: Promise<never>;
}

/** The orders_by_id mapping: the key is the order id, the value the order JSON. */
const ORDERS_BY_ID_MAPPING =
  'order_id=key, customer_id=value.customer_id, status=value.status, amount=value.amount, currency=value.currency, items=value.items, created_at=value.created_at, shipping=value.shipping, tags=value.tags';

/** Starts Kafka Connect standalone with the connector writing `topic` to `keyspace.table`. */
export async function startConnect(choice: ConnectorChoice, target: ConnectorTarget): Promise<RunningConnect> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kcs-connect-'));
  const heap = { initial: '128m', max: '512m' };
  if (choice.kind === 'datastax') {
    return startConnectWorker({
      dir,
      pluginDir: choice.pluginDir,
      heap,
      connector: datastaxConnectorConfig({ ...target, mapping: ORDERS_BY_ID_MAPPING }),
    });
  }
  return startConnectWorker({
    dir,
    jars: await resolveJars('connect'),
    values: 'string',
    heap,
    connector: camelConnectorConfig(target),
  });
}
