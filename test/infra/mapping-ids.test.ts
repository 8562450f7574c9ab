import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exampleWithTopics, kafkaMappings, type MappingIdentity } from './support/mappings.js';
import { EXAMPLES, loadExample, synth } from './support/synth.js';

/**
 * Synth cannot see what is deployed. A Kafka mapping whose logical id or consumer
 * group id changes is replaced by CloudFormation, and its new group starts from the
 * starting position instead of the committed offsets. So every example's mappings are
 * pinned here, and any change fails until it is re-recorded on purpose:
 *   KCS_UPDATE_MAPPING_IDS=1 npx vitest run --project infra test/infra/mapping-ids.test.ts
 */

const SNAPSHOT = new URL('mapping-ids.snapshot.json', import.meta.url).pathname;
const update = process.env.KCS_UPDATE_MAPPING_IDS === '1';

type Snapshot = Record<string, Record<string, MappingIdentity>>;

const deploymentFiles = readdirSync(EXAMPLES).filter((name) => name.endsWith('.yaml') && !name.startsWith('sink.'));
const cases = [
  ...deploymentFiles.map((name) => ({ name, deployment: () => loadExample(name) })),
  // Adding a topic must leave the first topic's mapping exactly as it was.
  { name: 'msk-keyspaces.yaml + topic payments', deployment: () => exampleWithTopics('msk-keyspaces.yaml', ['payments']) },
  { name: 'self-managed-astra.yaml + topic payments', deployment: () => exampleWithTopics('self-managed-astra.yaml', ['payments']) },
];

describe('event source mapping ids and consumer groups (committed snapshot)', () => {
  const recorded = existsSync(SNAPSHOT) ? (JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Snapshot) : {};
  const current: Snapshot = {};

  for (const { name, deployment } of cases) {
    it(name, () => {
      const { templates } = synth(deployment());
      current[name] = kafkaMappings(templates.Sink ?? fail('no Sink stack'));
      expect(Object.keys(current[name]).length).toBeGreaterThan(0);
      if (update) return;
      expect(
        current[name],
        `the Kafka event source mappings of ${name} changed: a changed logical id or consumer group id makes CloudFormation replace a deployed mapping, ` +
          'and its new consumer group starts from startingPosition, not from the committed offsets. If this is intended, add an Upgrading note to ' +
          'docs/deploy.md and re-record with KCS_UPDATE_MAPPING_IDS=1 npx vitest run --project infra test/infra/mapping-ids.test.ts',
      ).toEqual(recorded[name]);
    });
  }

  it('records exactly the examples (a new or removed example is re-recorded on purpose)', () => {
    if (update) {
      writeFileSync(SNAPSHOT, `${JSON.stringify(current, null, 2)}\n`);
      return;
    }
    expect(Object.keys(recorded).sort()).toEqual(cases.map((entry) => entry.name).sort());
  });

  it('keeps the first topic’s mapping when a topic is added', () => {
    for (const example of ['msk-keyspaces.yaml', 'self-managed-astra.yaml']) {
      const single = current[example] ?? fail(`${example} not synthesized`);
      const double = current[`${example} + topic payments`] ?? fail(`${example} + topic payments not synthesized`);
      expect(Object.keys(double)).toHaveLength(2);
      for (const [logicalId, identity] of Object.entries(single)) expect(double[logicalId], `${example}: ${logicalId}`).toEqual(identity);
    }
  });
});

function fail(message: string): never {
  throw new Error(message);
}
