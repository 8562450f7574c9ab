import { endpoints, localCassandraClient, localCassandraCredentials } from '../../local/services/index.js';

export { endpoints, localCassandraClient, localCassandraCredentials };
/** The emulator's client settings and unique names: one implementation, shared with the soak run and the bench (local/services/fixtures.ts). */
export { localAwsClientConfig, uniqueName, until, withCassandra } from '../../local/services/fixtures.js';
