/**
 * Kafka Connect single message transforms (SMTs) in a connector config. The
 * sink reads records as they are in Kafka, so a transform the connector
 * applied before its mapping is carried over by rewriting the mapping's field
 * paths back to the record's own shape, where the mapping language can say
 * it: ReplaceField renames, Flatten with the default "." delimiter, and
 * ExtractField. Every other transform is named in a warning.
 */

type Take = (key: string) => string | undefined;

/** One carried-over transform, as a function from a field path after it to the path before it. */
export interface PathRewrite {
  readonly name: string;
  readonly what: string;
  readonly rewrite: (path: readonly string[]) => readonly string[];
}

export interface ConnectorTransforms {
  /** In the order the connector applied them. */
  readonly key: readonly PathRewrite[];
  readonly value: readonly PathRewrite[];
}

const PACKAGE = 'org.apache.kafka.connect.transforms.';

/** Reads `transforms` and `transforms.<name>.*`; warnings for each one that is not carried over. */
export function readConnectorTransforms(take: Take, keys: readonly string[], warnings: string[]): ConnectorTransforms {
  const key: PathRewrite[] = [];
  const value: PathRewrite[] = [];
  const names = (take('transforms') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    const prefix = `transforms.${name}.`;
    const settings = new Map(keys.filter((k) => k.startsWith(prefix)).map((k) => [k.slice(prefix.length), take(k) ?? '']));
    const type = settings.get('type') ?? '';
    const match = /^(.*)\$(Key|Value)$/.exec(type.startsWith(PACKAGE) ? type.slice(PACKAGE.length) : type);
    const kind = match?.[1];
    const part = match?.[2] === 'Key' ? key : value;
    const rewrite = kind === undefined || !type.startsWith(PACKAGE) ? undefined : pathRewrite(name, kind, settings, warnings);
    if (settings.has('predicate')) {
      warnings.push(
        `transforms.${name}: applies only when predicate ${JSON.stringify(settings.get('predicate'))} holds; the sink cannot apply it conditionally, so it is not carried over`,
      );
    } else if (rewrite === undefined) {
      warnings.push(
        `transforms.${name}: ${type || '(no type)'} is not carried over: the sink reads records as they are in Kafka; express it in the mapping (nested paths, header.*, now()) or a custom query`,
      );
    } else {
      part.push(rewrite);
    }
  }
  for (const k of keys.filter((k) => k.startsWith('predicates'))) take(k);
  return { key, value };
}

function pathRewrite(name: string, kind: string, settings: ReadonlyMap<string, string>, warnings: string[]): PathRewrite | undefined {
  switch (kind) {
    case 'ReplaceField': {
      const renames = new Map(
        (settings.get('renames') ?? '')
          .split(',')
          .map((pair) => pair.trim().split(':'))
          .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== '' && pair[1] !== '')
          .map(([from, to]) => [to, from]),
      );
      if (['exclude', 'blacklist', 'include', 'whitelist'].some((setting) => (settings.get(setting) ?? '') !== '')) {
        warnings.push(
          `transforms.${name}: its include/exclude lists are not carried over (the sink reads only the fields the mapping names)`,
        );
      }
      if (renames.size === 0) return undefined;
      return {
        name,
        what: `ReplaceField renames ${[...renames].map(([to, from]) => `${from}→${to}`).join(', ')}`,
        rewrite: ([first, ...rest]) => (first === undefined ? [] : [renames.get(first) ?? first, ...rest]),
      };
    }
    case 'Flatten': {
      const delimiter = settings.get('delimiter') ?? '.';
      if (delimiter !== '.') {
        warnings.push(
          `transforms.${name}: Flatten with delimiter ${JSON.stringify(delimiter)} is not carried over: a flattened name cannot be told from a field that has the delimiter in its name; use the nested path (value.a.b) in the mapping`,
        );
        return undefined;
      }
      return {
        name,
        what: 'Flatten: the flattened name becomes a nested path',
        rewrite: (path) => path.flatMap((segment) => segment.split('.')),
      };
    }
    case 'ExtractField': {
      const field = settings.get('field') ?? '';
      if (field === '') return undefined;
      return { name, what: `ExtractField ${field}: paths read inside ${field}`, rewrite: (path) => [field, ...path] };
    }
    default:
      return undefined;
  }
}

/** The path before every transform of the chain, for a path the connector's mapping read after them. */
export function pathBeforeTransforms(
  path: readonly string[],
  chain: readonly PathRewrite[],
): { path: readonly string[]; applied: readonly PathRewrite[] } {
  let current = path;
  const applied: PathRewrite[] = [];
  for (const transform of [...chain].reverse()) {
    const next = transform.rewrite(current);
    if (next.join('\u0000') !== current.join('\u0000')) applied.push(transform);
    current = next;
  }
  return { path: current, applied };
}
