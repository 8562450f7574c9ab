import { SystemicFailureError, describeLocation, type ConfigError } from '../errors.js';
import type { RecordOutcome } from '../outcome.js';

/**
 * Errors that say the table changed under the prepared statements: the
 * server dropped them (a column dropped or a table re-created), a column is
 * gone, or the table is.
 */
const SCHEMA_CHANGE = /prepared query with id \S+ not found|unprepared|undefined column|unconfigured table|does not exist/i;

function messages(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++)
    parts.push(current.message);
  return parts.join('\n');
}

/** Whether a batch's failures suggest the live schema changed: then the engine re-reads it. */
export function suggestsSchemaChange(outcomes: readonly RecordOutcome[]): boolean {
  return outcomes.some(
    (outcome) =>
      (outcome.status === 'failed' || outcome.status === 'dead-lettered') &&
      (outcome.error instanceof SystemicFailureError || SCHEMA_CHANGE.test(messages(outcome.error))),
  );
}

/** `topics.<topic>.tables.<table>: <problem>` → the problems per topic and table. */
function problemsByTopic(error: ConfigError): Map<string, { table: string; problem: string }[]> {
  const byTopic = new Map<string, { table: string; problem: string }[]>();
  for (const problem of error.problems) {
    const match = /^topics\.(.+?)\.tables\.([^:]+): (.*)$/s.exec(problem);
    if (match === null) continue;
    const [, topic = '', table = '', text = ''] = match;
    let list = byTopic.get(topic);
    if (list === undefined) byTopic.set(topic, (list = []));
    list.push({ table, problem: text });
  }
  return byTopic;
}

/**
 * When the live tables no longer fit the mappings, every failed or poison
 * record of an affected topic is held (never dead-lettered) with an error that
 * names the mapping and the column: the sink is halted until the table or the
 * config is fixed.
 */
export function holdForSchemaProblems(outcomes: readonly RecordOutcome[], error: ConfigError): RecordOutcome[] {
  const byTopic = problemsByTopic(error);
  const halts = new Map<string, SystemicFailureError>();
  return outcomes.map((outcome) => {
    if (outcome.status === 'written') return outcome;
    const problems = byTopic.get(outcome.record.topic);
    if (problems === undefined || problems.length === 0) return outcome;
    let halt = halts.get(outcome.record.topic);
    if (halt === undefined) {
      const first = problems[0] as { table: string; problem: string };
      const column = /"((?:[^"]|"")+)"/.exec(first.problem)?.[1];
      const listed = problems.map((p) => `topics.${outcome.record.topic}.tables.${p.table}: ${p.problem}`).join('; ');
      halt = new SystemicFailureError(
        `halted, nothing dead-lettered: the live table no longer fits the mapping: ${listed}; e.g. ${describeLocation(outcome.record)}: ${firstLine(outcome.error.message)}`,
        {
          table: first.table,
          column,
          reason: 'the table no longer fits the mapping',
          records: outcomes.filter((o) => o.status !== 'written' && o.record.topic === outcome.record.topic).length,
          ofRecords: outcomes.filter((o) => o.record.topic === outcome.record.topic).length,
          rule: 'the live schema changed: the mapping was checked again against it',
          example: { topic: outcome.record.topic, partition: outcome.record.partition, offset: outcome.record.offset },
        },
        { cause: error },
      );
      halts.set(outcome.record.topic, halt);
    }
    return { record: outcome.record, status: 'failed', error: halt };
  });
}

/** Driver errors carry inner errors and stacks in their message: one line is enough for a log. */
function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
