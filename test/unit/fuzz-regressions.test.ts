import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { codecSettingsSchema } from '../../lambdas/core/codecs/settings.js';
import { loadSinkConfig } from '../../lambdas/core/config/load.js';
import { makeConverter } from '../../lambdas/core/cql/convert.js';
import { parseCqlType } from '../../lambdas/core/cql/types.js';
import { ConfigError, PoisonRecordError } from '../../lambdas/core/errors.js';

/** Inputs the fuzzer (test/fuzz) found that threw an untyped error; each now converts or fails typed. */
const defaults = codecSettingsSchema.parse({});
const convert = (type: string, value: unknown): unknown => makeConverter(parseCqlType(type), defaults)(value, { column: 'col' });

describe('fuzz regressions', () => {
  it('inet: IPv6 with an embedded IPv4 that is not ::ffff: mapped converts (the driver threw a TypeError)', () => {
    expect(String(convert('inet', '::0.0.0.0'))).toBe('::');
    expect(String(convert('inet', '::1.2.3.4'))).toBe('::102:304');
    expect(String(convert('inet', '64:ff9b::1.2.3.4'))).toBe('64:ff9b::102:304');
    expect(String(convert('inet', '::ffff:1.2.3.4'))).toBe('::ffff:102:304');
    expect((convert('inet', '1:2:3:4:5:6:7:8') as types.InetAddress).getBuffer()).toHaveLength(16);
  });

  it('inet: an IPv6 zone id is poison, not a TypeError', () => {
    expect(() => convert('inet', 'fe80::1%eth0')).toThrow(PoisonRecordError);
    expect(() => convert('inet', 'fe80::1%eth0')).toThrow(/zone id/);
  });

  it('map: a key without a prototype (no toString) fails as poison with a readable path', () => {
    const key: unknown = Object.create(null);
    expect(convert('map<ascii, ascii>', new Map([[key, 0]]))).toEqual(new Map([['{}', '0']]));
    expect(() => convert('map<int, int>', new Map([[key, 0]]))).toThrow(PoisonRecordError);
    expect(() => convert('map<int, int>', new Map([[key, 0]]))).toThrow(/at \{"\{\}"\} key/);
  });

  it('config: a YAML alias without its anchor is a ConfigError (toJS threw a ReferenceError)', () => {
    expect(() => loadSinkConfig('*!', 'sink.yaml')).toThrow(ConfigError);
    expect(() => loadSinkConfig('a: *x\nb: &x 1', 'sink.yaml')).toThrow(/sink\.yaml: .*alias/);
  });

  it("date: a date-time at the ECMAScript minimum in America/New_York is poison, not the driver's untyped Error (seed 391742014)", () => {
    const inNewYork = makeConverter(parseCqlType('date'), codecSettingsSchema.parse({ timeZone: 'America/New_York' }));
    const edge = new Date('-271821-04-20T04:56:01.999Z');
    expect(() => inNewYork(edge, { column: 'col' })).toThrow(PoisonRecordError);
    expect(() => inNewYork(edge, { column: 'col' })).toThrow(/column "col" \(date\).*outside the range the driver can bind/);
    expect(() => inNewYork(-8_640_000_000_000_000 + 1, { column: 'col' })).toThrow(PoisonRecordError);
    // In UTC the same instant is the first day the driver takes.
    expect(String(convert('date', edge))).toBe('-271821-04-20');
  });
});
