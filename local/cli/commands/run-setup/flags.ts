import { listOf, type Values } from '../../command.js';

/** --topics, when given (default: every topic of the config). */
export function topicsOption(values: Values): { topics?: string[] } {
  const topics = listOf(values, 'topics');
  return topics === undefined ? {} : { topics };
}
