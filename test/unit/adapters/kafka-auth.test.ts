import { GetBootstrapBrokersCommand, type KafkaClient } from '@aws-sdk/client-kafka';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lambdas/core/errors.js';
import {
  describeBrokerAuth,
  kafkaClientOptions,
  kafkaSettingsFromEnvironment,
  parseKafkaAuthKind,
  resolveBrokerAuth,
  resolveKafkaConnection,
  type BrokerAuth,
  type KafkaConnectionDeps,
} from '../../../lambdas/adapters/kafka/index.js';
import type { SecretSource } from '../../../lambdas/adapters/secrets.js';

const PASSWORD = 'pa55-w0rd-never-shown';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_sink-AbCdEf';
const CLUSTER_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/prod/0a1b2c3d-4e5f-6789-abcd-ef0123456789-2';

function fakeSecrets(reads: string[] = []): SecretSource {
  const fail = (): Promise<never> => Promise.reject(new Error('not used'));
  return {
    getUsernamePassword: (id) => {
      reads.push(id);
      return Promise.resolve({ username: 'sink', password: PASSWORD });
    },
    getToken: fail,
    getBytes: fail,
    getText: fail,
    invalidate: () => undefined,
  };
}

const credentials = (): Promise<{ accessKeyId: string; secretAccessKey: string }> =>
  Promise.resolve({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

/** A KafkaClient whose GetBootstrapBrokers answers `brokers` (or fails with `error`). */
function fakeKafka(
  brokers: Record<string, string>,
  calls: { region: string; arn: string | undefined }[] = [],
  error?: Error,
): KafkaConnectionDeps['kafkaClient'] {
  return (region) =>
    ({
      send: (command: unknown) => {
        if (!(command instanceof GetBootstrapBrokersCommand)) return Promise.reject(new Error('unexpected command'));
        calls.push({ region, arn: command.input.ClusterArn });
        return error === undefined ? Promise.resolve(brokers) : Promise.reject(error);
      },
    }) as unknown as KafkaClient;
}

const MSK_BROKERS = {
  BootstrapBrokerString: 'b-1.prod.abc.c2.kafka.eu-west-1.amazonaws.com:9092',
  BootstrapBrokerStringTls: 'b-1.prod.abc.c2.kafka.eu-west-1.amazonaws.com:9094,b-2.prod.abc.c2.kafka.eu-west-1.amazonaws.com:9094',
  BootstrapBrokerStringSaslScram: 'b-1.prod.abc.c2.kafka.eu-west-1.amazonaws.com:9096',
  BootstrapBrokerStringSaslIam: 'b-1.prod.abc.c2.kafka.eu-west-1.amazonaws.com:9098,b-2.prod.abc.c2.kafka.eu-west-1.amazonaws.com:9098',
};

describe('kafkaClientOptions', () => {
  it('is plaintext for none, TLS for tls or none with tls', () => {
    expect(kafkaClientOptions({ type: 'none' })).toEqual({});
    expect(kafkaClientOptions({ type: 'none', tls: true })).toEqual({ tls: {} });
    expect(kafkaClientOptions({ type: 'tls' })).toEqual({ tls: {} });
  });

  it('gives SASL PLAIN/SCRAM the username and password, with TLS only when asked', () => {
    for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
      expect(kafkaClientOptions({ type: 'sasl', mechanism, username: 'sink', password: PASSWORD })).toEqual({
        sasl: { mechanism, username: 'sink', password: PASSWORD },
      });
      expect(kafkaClientOptions({ type: 'sasl', mechanism, username: 'sink', password: PASSWORD, tls: true })).toEqual({
        tls: {},
        sasl: { mechanism, username: 'sink', password: PASSWORD },
      });
    }
  });

  it('gives MSK IAM TLS and an OAUTHBEARER token provider that signs for the region', async () => {
    const options = kafkaClientOptions({ type: 'msk-iam', region: 'eu-west-1', credentials });
    expect(options.tls).toEqual({});
    expect(options.sasl?.mechanism).toBe('OAUTHBEARER');
    expect(options.sasl?.username).toBeUndefined();
    const token = options.sasl?.token;
    expect(typeof token).toBe('function');
    const text = await (token as () => Promise<string>)();
    const url = new URL(Buffer.from(text, 'base64url').toString('utf8'));
    expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
  });

  it('describes an auth without its password', () => {
    const auths: BrokerAuth[] = [
      { type: 'none' },
      { type: 'tls' },
      { type: 'sasl', mechanism: 'SCRAM-SHA-512', username: 'sink', password: PASSWORD, tls: true },
      { type: 'msk-iam', region: 'eu-west-1', credentials },
    ];
    const texts = auths.map(describeBrokerAuth);
    expect(texts).toEqual([
      'plaintext, no authentication',
      'TLS, no authentication',
      'SASL/SCRAM-SHA-512 as sink over TLS',
      'MSK IAM (SASL/OAUTHBEARER over TLS, eu-west-1)',
    ]);
    for (const text of texts) expect(text).not.toContain(PASSWORD);
  });
});

describe('parseKafkaAuthKind', () => {
  it('takes the CLI spellings and the deployment ones', () => {
    expect(parseKafkaAuthKind(undefined)).toBe('none');
    expect(parseKafkaAuthKind('')).toBe('none');
    expect(parseKafkaAuthKind('TLS')).toBe('tls');
    expect(parseKafkaAuthKind('scram-512')).toBe('scram-512');
    expect(parseKafkaAuthKind('sasl-scram-512')).toBe('scram-512');
    expect(parseKafkaAuthKind('sasl-scram-256')).toBe('scram-256');
    expect(parseKafkaAuthKind('plain')).toBe('plain');
    expect(parseKafkaAuthKind('iam')).toBe('iam');
    expect(() => parseKafkaAuthKind('mtls')).toThrow(ConfigError);
    expect(() => parseKafkaAuthKind('kerberos')).toThrow(/not supported \(supported: none, tls, plain, scram-256, scram-512, iam/);
  });
});

describe('resolveBrokerAuth', () => {
  it('reads the SASL secret; TLS only with a cluster ARN or tls', async () => {
    const reads: string[] = [];
    const deps = { secrets: fakeSecrets(reads) };
    expect(await resolveBrokerAuth({ auth: 'plain', authSecretArn: SECRET_ARN }, deps)).toEqual({
      type: 'sasl',
      mechanism: 'PLAIN',
      username: 'sink',
      password: PASSWORD,
      tls: false,
    });
    expect(await resolveBrokerAuth({ auth: 'scram-256', authSecretArn: SECRET_ARN, tls: true }, deps)).toMatchObject({
      mechanism: 'SCRAM-SHA-256',
      tls: true,
    });
    expect(await resolveBrokerAuth({ auth: 'sasl-scram-512', authSecretArn: SECRET_ARN, clusterArn: CLUSTER_ARN }, deps)).toMatchObject({
      mechanism: 'SCRAM-SHA-512',
      tls: true,
    });
    expect(reads).toEqual([SECRET_ARN, SECRET_ARN, SECRET_ARN]);
  });

  it('needs the secret ARN for SASL', async () => {
    await expect(resolveBrokerAuth({ auth: 'scram-512' }, { secrets: fakeSecrets() })).rejects.toThrow(
      /needs the SASL secret's ARN \(KAFKA_AUTH_SECRET_ARN, or --kafka-auth-secret-arn\)/,
    );
  });

  it('tls, and none with TLS to MSK', async () => {
    const deps = { secrets: fakeSecrets() };
    expect(await resolveBrokerAuth({ auth: 'tls' }, deps)).toEqual({ type: 'tls' });
    expect(await resolveBrokerAuth({}, deps)).toEqual({ type: 'none' });
    expect(await resolveBrokerAuth({ auth: 'none', clusterArn: CLUSTER_ARN }, deps)).toEqual({ type: 'none', tls: true });
  });

  it('IAM takes the region from the cluster ARN, else an MSK broker name, else AWS_REGION', async () => {
    const deps = { secrets: fakeSecrets(), credentials: () => credentials };
    expect(await resolveBrokerAuth({ auth: 'iam', clusterArn: CLUSTER_ARN, region: 'us-west-2' }, deps)).toMatchObject({
      type: 'msk-iam',
      region: 'eu-west-1',
    });
    expect(
      await resolveBrokerAuth(
        { auth: 'iam', bootstrapServers: ['b-1.prod.abc.c2.kafka.ap-southeast-2.amazonaws.com:9098'], region: 'us-west-2' },
        deps,
      ),
    ).toMatchObject({ region: 'ap-southeast-2' });
    expect(await resolveBrokerAuth({ auth: 'iam', bootstrapServers: ['10.0.0.1:9098'], region: 'us-west-2' }, deps)).toMatchObject({
      region: 'us-west-2',
    });
    await expect(resolveBrokerAuth({ auth: 'iam', bootstrapServers: ['10.0.0.1:9098'] }, deps)).rejects.toThrow(/needs a region/);
  });
});

describe('resolveKafkaConnection', () => {
  it('takes the brokers of the listener for the auth kind from GetBootstrapBrokers', async () => {
    const calls: { region: string; arn: string | undefined }[] = [];
    const deps = { secrets: fakeSecrets(), credentials: () => credentials, kafkaClient: fakeKafka(MSK_BROKERS, calls) };
    const iam = await resolveKafkaConnection({ auth: 'iam', clusterArn: CLUSTER_ARN, bootstrapServers: ['ignored:9092'] }, deps);
    expect(iam.bootstrapServers).toEqual([
      'b-1.prod.abc.c2.kafka.eu-west-1.amazonaws.com:9098',
      'b-2.prod.abc.c2.kafka.eu-west-1.amazonaws.com:9098',
    ]);
    expect(iam.auth.type).toBe('msk-iam');
    expect(
      (await resolveKafkaConnection({ auth: 'scram-512', authSecretArn: SECRET_ARN, clusterArn: CLUSTER_ARN }, deps)).bootstrapServers,
    ).toEqual(['b-1.prod.abc.c2.kafka.eu-west-1.amazonaws.com:9096']);
    expect((await resolveKafkaConnection({ auth: 'tls', clusterArn: CLUSTER_ARN }, deps)).bootstrapServers).toHaveLength(2);
    expect(calls.map((c) => c.region)).toEqual(['eu-west-1', 'eu-west-1', 'eu-west-1']);
    expect(calls.every((c) => c.arn === CLUSTER_ARN)).toBe(true);
  });

  it('uses the bootstrap servers without a cluster ARN, and needs one or the other', async () => {
    const deps = { secrets: fakeSecrets() };
    expect(await resolveKafkaConnection({ bootstrapServers: ['k1:9093'], auth: 'tls' }, deps)).toEqual({
      bootstrapServers: ['k1:9093'],
      auth: { type: 'tls' },
    });
    await expect(resolveKafkaConnection({ auth: 'none' }, deps)).rejects.toThrow(/no Kafka brokers/);
  });

  it('never puts the SASL password in an error', async () => {
    const failing = fakeKafka({}, [], Object.assign(new Error('User is not authorized'), { name: 'ForbiddenException' }));
    const errors: unknown[] = [];
    for (const attempt of [
      () =>
        resolveKafkaConnection(
          { auth: 'scram-512', authSecretArn: SECRET_ARN, clusterArn: CLUSTER_ARN },
          { secrets: fakeSecrets(), kafkaClient: failing },
        ),
      () =>
        resolveKafkaConnection(
          { auth: 'plain', authSecretArn: SECRET_ARN, clusterArn: CLUSTER_ARN },
          { secrets: fakeSecrets(), kafkaClient: fakeKafka({}) },
        ),
    ]) {
      await attempt().then(
        () => {
          errors.push(undefined);
        },
        (error: unknown) => {
          errors.push(error);
        },
      );
    }
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = `${String(error)} ${JSON.stringify(error, Object.getOwnPropertyNames(error))}`;
      expect(text).not.toContain(PASSWORD);
    }
  });
});

describe('kafkaSettingsFromEnvironment', () => {
  it('reads the replay function variables', () => {
    expect(
      kafkaSettingsFromEnvironment({
        KAFKA_AUTH: 'sasl-scram-512',
        KAFKA_AUTH_SECRET_ARN: SECRET_ARN,
        KAFKA_BOOTSTRAP_SERVERS: 'a:9096, b:9096',
        KAFKA_TLS: 'true',
        AWS_REGION: 'eu-west-1',
        KAFKA_CLUSTER_ARN: '',
      }),
    ).toEqual({
      auth: 'sasl-scram-512',
      authSecretArn: SECRET_ARN,
      bootstrapServers: ['a:9096', 'b:9096'],
      tls: true,
      region: 'eu-west-1',
    });
    expect(kafkaSettingsFromEnvironment({})).toEqual({});
  });
});

describe('a private root CA (KAFKA_ROOT_CA_SECRET_ARN)', () => {
  const CA_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-root-ca-AbCdEf';
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n';

  it('is read from its secret and trusted by every TLS connection, which it turns on', async () => {
    const texts: string[] = [];
    const secrets: SecretSource = {
      ...fakeSecrets(),
      getText: (id) => {
        texts.push(id);
        return Promise.resolve(PEM);
      },
    };
    const settings = kafkaSettingsFromEnvironment({
      KAFKA_AUTH: 'sasl-scram-512',
      KAFKA_AUTH_SECRET_ARN: SECRET_ARN,
      KAFKA_BOOTSTRAP_SERVERS: 'k1:9096',
      KAFKA_ROOT_CA_SECRET_ARN: CA_ARN,
    });
    const connection = await resolveKafkaConnection(settings, { secrets });
    expect(texts).toEqual([CA_ARN]);
    expect(connection.ca).toBe(PEM);
    expect(connection.auth).toMatchObject({ type: 'sasl', mechanism: 'SCRAM-SHA-512', tls: true });
    expect(kafkaClientOptions(connection.auth, connection.ca)).toMatchObject({ tls: { ca: PEM }, sasl: { mechanism: 'SCRAM-SHA-512' } });
  });

  it('leaves TLS off and reads nothing when not set', async () => {
    const settings = kafkaSettingsFromEnvironment({ KAFKA_AUTH: 'none', KAFKA_BOOTSTRAP_SERVERS: 'k1:9092' });
    const connection = await resolveKafkaConnection(settings, { secrets: fakeSecrets() });
    expect(connection.ca).toBeUndefined();
    expect(kafkaClientOptions(connection.auth, connection.ca)).toEqual({});
  });
});
