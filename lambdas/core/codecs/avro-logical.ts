import avsc, { type Schema } from 'avsc';
import { types as cql } from 'cassandra-driver';

/*
 * Avro logical types decoded to the values the CQL converters take
 * directly: timestamps as Date, dates and times as driver LocalDate /
 * LocalTime, decimals as driver BigDecimal (exact). Without these, avsc
 * hands over raw ints, longs and bytes, and a `date` would land in a
 * timestamp column as a day count read as milliseconds.
 */

const MILLIS_PER_DAY = 86_400_000;

class TimestampMillis extends avsc.types.LogicalType {
  protected override _fromValue(value: number): Date {
    return new Date(value);
  }
  protected override _toValue(value: unknown): unknown {
    return value instanceof Date ? value.getTime() : value;
  }
}

/** Microseconds beyond the millisecond are dropped: a CQL timestamp holds milliseconds. */
class TimestampMicros extends avsc.types.LogicalType {
  protected override _fromValue(value: number): Date {
    return new Date(Math.floor(value / 1000));
  }
  protected override _toValue(value: unknown): unknown {
    return value instanceof Date ? value.getTime() * 1000 : value;
  }
}

class DateDays extends avsc.types.LogicalType {
  protected override _fromValue(days: number): cql.LocalDate {
    const date = new Date(days * MILLIS_PER_DAY);
    return new cql.LocalDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
  }
  protected override _toValue(value: unknown): unknown {
    return value instanceof cql.LocalDate ? Date.UTC(value.year, value.month - 1, value.day) / MILLIS_PER_DAY : value;
  }
}

class TimeMillis extends avsc.types.LogicalType {
  protected override _fromValue(value: number): cql.LocalTime {
    return cql.LocalTime.fromMilliseconds(value);
  }
  protected override _toValue(value: unknown): unknown {
    return value instanceof cql.LocalTime ? Number(value.getTotalNanoseconds().toString()) / 1e6 : value;
  }
}

class TimeMicros extends avsc.types.LogicalType {
  protected override _fromValue(value: number): cql.LocalTime {
    return cql.LocalTime.fromMilliseconds(Math.floor(value / 1000), (value % 1000) * 1000);
  }
  protected override _toValue(value: unknown): unknown {
    return value instanceof cql.LocalTime ? Number(value.getTotalNanoseconds().toString()) / 1e3 : value;
  }
}

/** bytes or fixed holding the two's-complement unscaled value; the scale is in the schema. */
class Decimal extends avsc.types.LogicalType {
  private readonly scaleBuffer: Buffer;

  constructor(schema: Schema, opts?: unknown) {
    super(schema, opts);
    const scale = (schema as { scale?: unknown }).scale;
    this.scaleBuffer = Buffer.alloc(4);
    this.scaleBuffer.writeInt32BE(typeof scale === 'number' ? scale : 0);
  }
  protected override _fromValue(bytes: Buffer): cql.BigDecimal {
    return cql.BigDecimal.fromBuffer(Buffer.concat([this.scaleBuffer, bytes]));
  }
  protected override _toValue(value: unknown): unknown {
    return value instanceof cql.BigDecimal ? cql.BigDecimal.toBuffer(value).subarray(4) : value;
  }
}

export const avroLogicalTypes = {
  'timestamp-millis': TimestampMillis,
  'timestamp-micros': TimestampMicros,
  'local-timestamp-millis': TimestampMillis,
  'local-timestamp-micros': TimestampMicros,
  date: DateDays,
  'time-millis': TimeMillis,
  'time-micros': TimeMicros,
  decimal: Decimal,
};
