import { describe, expect, it } from 'vitest';
import { convertConnectorConfig } from '../../../lambdas/core/config/connector.js';

const base = 'topics=orders\ncontactPoints=db1\nloadBalancing.localDc=dc1\ntopic.orders.shop.orders.mapping=id=key.id\n';

describe('convert-connector-config: converters that select a registry format', () => {
  it.each([
    ['io.confluent.connect.avro.AvroConverter', 'avro'],
    ['io.confluent.connect.protobuf.ProtobufConverter', 'protobuf'],
    ['io.confluent.connect.json.JsonSchemaConverter', 'json-schema'],
  ])('%s with schema.registry.url becomes %s with that registry', (converter, format) => {
    const { config, warnings } = convertConnectorConfig(
      `${base}key.converter=${converter}\nkey.converter.schema.registry.url=http://registry:8081\nvalue.converter=${converter}\nvalue.converter.schema.registry.url=http://registry:8081\n`,
    );
    expect(config.topics.orders).toMatchObject({ keyFormat: format, valueFormat: format, schemaRegistry: { url: 'http://registry:8081' } });
    expect(warnings.join('\n')).not.toMatch(/converter/);
  });

  it.each([
    'com.amazonaws.services.schemaregistry.kafkaconnect.AWSKafkaAvroConverter',
    'com.amazonaws.services.schemaregistry.kafkaconnect.protobuf.ProtobufSchemaConverter',
    'com.amazonaws.services.schemaregistry.kafkaconnect.jsonschema.JsonSchemaConverter',
  ])('the AWS Glue converter %s becomes the glue format with its region and registry name', (converter) => {
    const { config, warnings } = convertConnectorConfig(
      `${base}value.converter=${converter}\nvalue.converter.region=eu-west-1\nvalue.converter.registry.name=shop-schemas\nvalue.converter.schemaAutoRegistrationEnabled=true\nvalue.converter.avroRecordType=GENERIC_RECORD\nvalue.converter.schemaName=Order\n`,
    );
    expect(config.topics.orders).toMatchObject({
      valueFormat: 'glue',
      glueSchemaRegistry: { region: 'eu-west-1', registryName: 'shop-schemas' },
    });
    expect(config.topics.orders).not.toHaveProperty('schemaRegistry');
    // producer-only settings are consumed without a warning
    expect(warnings.join('\n')).not.toMatch(/schemaAutoRegistrationEnabled|avroRecordType|schemaName/);
  });

  it("a Glue converter without region or registry reads the function's region; a cross-account role is a warning", () => {
    const { config, warnings } = convertConnectorConfig(
      `${base}key.converter=com.amazonaws.services.schemaregistry.kafkaconnect.AWSKafkaAvroConverter\nkey.converter.assumeRoleArn=arn:aws:iam::123456789012:role/reader\n`,
    );
    expect(config.topics.orders?.keyFormat).toBe('glue');
    expect(config.topics.orders).not.toHaveProperty('glueSchemaRegistry');
    expect(warnings).toContainEqual(
      expect.stringMatching(/^key\.converter\.assumeRoleArn: arn:aws:iam::123456789012:role\/reader not carried over/),
    );
  });
});
