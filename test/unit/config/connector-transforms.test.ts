import { describe, expect, it } from 'vitest';
import { convertConnectorConfig } from '../../../lambdas/core/config/connector.js';
import { parseSinkConfig } from '../../../lambdas/core/config/load.js';

const base = ['topics=orders', 'contactPoints=db1', 'loadBalancing.localDc=dc1'];
const convert = (...lines: string[]) => convertConnectorConfig([...base, ...lines].join('\n'));
const mappingOf = (result: ReturnType<typeof convertConnectorConfig>) => result.config.topics.orders?.tables['shop.t']?.mapping;

describe('Kafka Connect transforms (SMTs) in a connector config', () => {
  it('carries a ReplaceField rename over into the mapping: the sink reads the field under its Kafka name', () => {
    const result = convert(
      'transforms=rename',
      'transforms.rename.type=org.apache.kafka.connect.transforms.ReplaceField$Value',
      'transforms.rename.renames=cust:customer_id,amt:amount',
      'topic.orders.shop.t.mapping=id=key, customer_id=value.customer_id, amount=value.amount, status=value.status',
    );
    expect(mappingOf(result)).toBe('id=key, customer_id=value.cust, amount=value.amt, status=value.status');
    expect(result.warnings.join('\n')).toContain(
      'value.customer_id reads value.cust in the record as Kafka has it (carried over from transforms.rename: ReplaceField renames cust→customer_id, amt→amount)',
    );
    expect(result.warnings.join('\n')).not.toMatch(/transforms\.rename\.\w+: no equivalent/);
    expect(() => parseSinkConfig(result.config)).not.toThrow();
  });

  it('turns a flattened name into the nested path, and ExtractField into a path inside the field', () => {
    const flatten = convert(
      'transforms=flat',
      'transforms.flat.type=org.apache.kafka.connect.transforms.Flatten$Value',
      'topic.orders.shop.t.mapping=id=key, city=value.shipping.city',
    );
    expect(mappingOf(flatten)).toBe('id=key, city=value.shipping.city');
    const extract = convert(
      'transforms=unwrap,flat',
      'transforms.unwrap.type=org.apache.kafka.connect.transforms.ExtractField$Value',
      'transforms.unwrap.field=after',
      'transforms.flat.type=org.apache.kafka.connect.transforms.Flatten$Value',
      'topic.orders.shop.t.mapping=id=key, city=value.shipping.city, k=key.id',
    );
    expect(mappingOf(extract)).toBe('id=key, city=value.after.shipping.city, k=key.id');
  });

  it('without Flatten a dotted field stays one top-level name, as the connector reads it', () => {
    expect(mappingOf(convert('topic.orders.shop.t.mapping=id=key, city=value.shipping.city'))).toBe('id=key, city=value."shipping.city"');
  });

  it('warns about each transform it cannot carry over, by name and type', () => {
    const result = convert(
      'transforms=cast,ts,flat,cond',
      'transforms.cast.type=org.apache.kafka.connect.transforms.Cast$Value',
      'transforms.cast.spec=amount:float64',
      'transforms.ts.type=org.apache.kafka.connect.transforms.TimestampConverter$Value',
      'transforms.flat.type=org.apache.kafka.connect.transforms.Flatten$Value',
      'transforms.flat.delimiter=_',
      'transforms.cond.type=org.apache.kafka.connect.transforms.ReplaceField$Value',
      'transforms.cond.renames=a:b',
      'transforms.cond.predicate=isOrders',
      'predicates=isOrders',
      'predicates.isOrders.type=org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
      'topic.orders.shop.t.mapping=id=key, b=value.b',
    );
    const text = result.warnings.join('\n');
    expect(text).toContain('transforms.cast: org.apache.kafka.connect.transforms.Cast$Value is not carried over');
    expect(text).toContain('transforms.ts: org.apache.kafka.connect.transforms.TimestampConverter$Value is not carried over');
    expect(text).toContain('transforms.flat: Flatten with delimiter "_" is not carried over');
    expect(text).toContain('transforms.cond: applies only when predicate "isOrders" holds');
    expect(text).not.toMatch(/^(transforms|predicates)\.[\w.]+: no equivalent here/m);
    expect(mappingOf(result)).toBe('id=key, b=value.b');
  });
});
