import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, loadExample, synth } from './support/synth.js';

/**
 * A resource whose logical id changes is replaced by CloudFormation: a queue
 * loses its messages, a secret its value, a mapping its offsets. Refactoring
 * the code must not move any of them, so every example's resources (logical
 * id → type, every stack) are pinned here. The snapshot was first recorded
 * from the code before the architecture step (issue 16). A change is
 * re-recorded on purpose only, with an Upgrading note in docs/deploy.md:
 *   KCS_UPDATE_LOGICAL_IDS=1 npx vitest run --project infra test/infra/logical-ids.test.ts
 */

const SNAPSHOT = new URL('logical-ids.snapshot.json', import.meta.url).pathname;
const update = process.env.KCS_UPDATE_LOGICAL_IDS === '1';

type Resources = Record<string, Record<string, string>>;
type Snapshot = Record<string, Resources>;

const deploymentFiles = readdirSync(EXAMPLES).filter((name) => name.endsWith('.yaml') && !name.startsWith('sink.'));

function resourceTypes(template: unknown): Record<string, string> {
  const resources = (template as { Resources?: Record<string, { Type: string }> }).Resources ?? {};
  const entries: [string, string][] = Object.entries(resources).map(([id, resource]) => [id, resource.Type]);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

describe('every example keeps its resources’ logical ids (committed snapshot)', () => {
  const recorded = existsSync(SNAPSHOT) ? (JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Snapshot) : {};
  const current: Snapshot = {};

  for (const name of deploymentFiles) {
    it(name, () => {
      const { templates } = synth(loadExample(name));
      current[name] = Object.fromEntries(Object.entries(templates).map(([stack, template]) => [stack, resourceTypes(template.toJSON())]));
      expect(Object.keys(current[name].Sink ?? {}).length).toBeGreaterThan(10);
      if (update) return;
      expect(
        current[name],
        `the resources of ${name} changed logical id or type: CloudFormation would replace them on the next deploy`,
      ).toEqual(recorded[name]);
    });
  }

  it('records exactly the examples', () => {
    if (update) {
      writeFileSync(SNAPSHOT, `${JSON.stringify(current, null, 2)}\n`);
      return;
    }
    expect(Object.keys(recorded).sort()).toEqual([...deploymentFiles].sort());
  });
});
