import { codecSettingsSchema } from '../codecs/settings.js';
import { ConfigError } from '../errors.js';
import { convertConnectorMapping } from './connector-mapping.js';
import { readConnectorTransforms, type ConnectorTransforms } from './connector-transforms.js';
import { parseSinkConfig } from './load.js';
import { convertConnection, convertFormats, convertWriter } from './connector-globals.js';
import { parseProperties } from './properties.js';
import type { SinkConfigInput } from './schema.js';
import { cqlName } from './table-name.js';

type ConnectionInput = SinkConfigInput['connection'];
type TopicInput = SinkConfigInput['topics'][string];
type TableInput = TopicInput['tables'][string];

export interface ConnectorConversion {
  /** The equivalent sink config, without defaults; write it out as YAML and review it. */
  readonly config: SinkConfigInput;
  /** What needs a human: placeholders to fill, settings with no equivalent, validation problems left. */
  readonly warnings: string[];
}

const TABLE_SETTINGS = [
  'mapping',
  'consistencyLevel',
  'ttl',
  'nullToUnset',
  'deletesEnabled',
  'ttlTimeUnit',
  'timestampTimeUnit',
  'query',
] as const;
const CODEC_SETTINGS = Object.keys(codecSettingsSchema.shape) as (keyof typeof codecSettingsSchema.shape)[];
/** Kafka Connect plumbing with no meaning for a Lambda. */
const IGNORED = /^(name|connector\.class|tasks\.max|jmx|jmxConnectorDomain|(key|value)\.converter\.schemas\.enable)$/;

/**
 * Converts a DataStax Kafka connector configuration (a .properties text or
 * its key/value map) into this sink's config. Secrets are never copied:
 * passwords become placeholder secret ARNs, with a warning saying what to store.
 */
export function convertConnectorConfig(properties: Record<string, string> | string): ConnectorConversion {
  const props = typeof properties === 'string' ? parseProperties(properties) : properties;
  const warnings: string[] = [];
  const used = new Set<string>();
  const take = (key: string): string | undefined => {
    const value = props[key];
    if (value === undefined) return undefined;
    used.add(key);
    return value.trim();
  };

  const topicNames = (take('topics') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (topicNames.length === 0) warnings.push('topics: the connector config declares no topics');
  const connection = convertConnection(take, warnings);
  const formats = convertFormats(take, warnings);
  const transforms = readConnectorTransforms(take, Object.keys(props), warnings);
  const topics: Record<string, TopicInput> = {};
  for (const name of topicNames) topics[name] = { ...formats, tables: {} };

  for (const key of Object.keys(props).filter((k) => k.startsWith('topic.'))) {
    const value = props[key] ?? '';
    const codec = matchCodecSetting(key, topicNames);
    if (codec !== undefined) {
      used.add(key);
      const topic = topics[codec.topic];
      if (topic) topic.codec = { ...topic.codec, [codec.setting]: value.trim() };
      continue;
    }
    const match = matchTableSetting(key, topicNames);
    if (match === undefined) continue;
    used.add(key);
    const topic = topics[match.topic];
    if (topic === undefined) continue;
    const tableKey = `${cqlName(loose(match.keyspace))}.${cqlName(loose(match.table))}`;
    const where = `topics.${match.topic}.tables.${tableKey}.${match.setting}`;
    topic.tables[tableKey] = {
      ...topic.tables[tableKey],
      ...convertTableSetting(match.setting, value, where, connection.profile, transforms, warnings),
    } as TableInput;
  }

  const writer = convertWriter(take, connection.profile, warnings);
  for (const key of Object.keys(props)) {
    if (used.has(key) || IGNORED.test(key)) continue;
    if (key.startsWith('topic.'))
      warnings.push(`${key}: not a table or codec setting of a declared topic (${topicNames.join(', ')}), not converted`);
    else if (/password/i.test(key)) warnings.push(`${key}: not converted (secrets are never copied)`);
    else warnings.push(`${key}: no equivalent here, not converted (value ${JSON.stringify(props[key])})`);
  }
  const config: SinkConfigInput = { connection, ...(writer ? { writer } : {}), topics };
  try {
    parseSinkConfig(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    warnings.push(...error.problems.map((problem) => `still invalid: ${problem}`));
  }
  return { config, warnings };
}

/** The connector's keyspace and table names: quoted ones are CQL, unquoted ones are taken as written. */
function loose(name: string): string {
  return name.startsWith('"') && name.endsWith('"') && name.length > 1 ? name.slice(1, -1).replaceAll('""', '"') : name;
}

function matchCodecSetting(key: string, topics: readonly string[]): { topic: string; setting: string } | undefined {
  for (const topic of topics) {
    const setting = key.slice(`topic.${topic}.codec.`.length);
    if (key.startsWith(`topic.${topic}.codec.`) && (CODEC_SETTINGS as string[]).includes(setting)) return { topic, setting };
  }
  return undefined;
}

/** Topic names may contain dots, keyspace and table names may not: match the setting from the end, then a declared topic. */
function matchTableSetting(key: string, topics: readonly string[]) {
  const setting = TABLE_SETTINGS.find((name) => key.endsWith(`.${name}`));
  if (setting === undefined) return undefined;
  const rest = key.slice(0, -(setting.length + 1));
  for (const topic of [...topics].sort((a, b) => b.length - a.length)) {
    if (!rest.startsWith(`topic.${topic}.`)) continue;
    const parts = rest.slice(`topic.${topic}.`.length).split('.');
    if (parts.length === 2 && parts[0] && parts[1]) return { topic, keyspace: parts[0], table: parts[1], setting };
  }
  return undefined;
}

function convertTableSetting(
  setting: (typeof TABLE_SETTINGS)[number],
  raw: string,
  where: string,
  profile: ConnectionInput['profile'],
  transforms: ConnectorTransforms,
  warnings: string[],
): Partial<TableInput> {
  const value = raw.trim();
  switch (setting) {
    case 'mapping':
      try {
        const { mapping, changes } = convertConnectorMapping(value, transforms);
        warnings.push(...changes.map((change) => `${where}: ${change}`));
        return { mapping };
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        warnings.push(...error.problems.map((problem) => `${where}: copied unchanged, it does not parse: ${problem}`));
        return { mapping: value };
      }
    case 'consistencyLevel': {
      const level = value.toUpperCase();
      const rejected =
        profile === 'keyspaces' ? level !== 'LOCAL_QUORUM' : profile === 'astra' && ['ANY', 'ONE', 'LOCAL_ONE'].includes(level);
      if (rejected) {
        warnings.push(`${where}: ${level} dropped; ${profile} takes writes at LOCAL_QUORUM (the connector raised it silently on Astra)`);
        return {};
      }
      return { consistencyLevel: level as TableInput['consistencyLevel'] };
    }
    case 'ttl':
      return { ttl: Number(value) };
    case 'ttlTimeUnit':
    case 'timestampTimeUnit':
      return { [setting]: value.toUpperCase() };
    case 'nullToUnset':
    case 'deletesEnabled':
      return { [setting]: value.toLowerCase() === 'true' };
    case 'query':
      return { query: value };
  }
}
