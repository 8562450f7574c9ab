import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCassandraClient, uniqueName } from '../../support/services.js';

describe('local Cassandra', () => {
  const client = localCassandraClient();
  const keyspace = uniqueName('it_services');

  beforeAll(async () => {
    await client.connect();
    await client.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  });

  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  });

  it('is Apache Cassandra 5.0', async () => {
    const result = await client.execute('SELECT release_version FROM system.local');
    expect(String(result.first().get('release_version'))).toMatch(/^5\.0\./);
  });

  it('writes and reads back a row', async () => {
    await client.execute(`CREATE TABLE ${keyspace}.greetings (id int PRIMARY KEY, text text)`);
    await client.execute(`INSERT INTO ${keyspace}.greetings (id, text) VALUES (?, ?)`, [7, 'hello'], { prepare: true });
    const result = await client.execute(`SELECT text FROM ${keyspace}.greetings WHERE id = ?`, [7], { prepare: true });
    expect(result.rowLength).toBe(1);
    expect(result.first().get('text')).toBe('hello');
  });

  it('rejects wrong credentials (PasswordAuthenticator is on)', async () => {
    const intruder = localCassandraClient({ credentials: { username: 'cassandra', password: 'not-the-password' } });
    await expect(intruder.connect()).rejects.toThrow(/authenticat|credentials|Provided username/i);
    await intruder.shutdown();
  });
});
