import { expect } from 'vitest';
import { ConfigError } from '../../../lambdas/core/errors.js';

/** Runs `action`, which must throw a ConfigError, and returns its problems. */
export function problemsOf(action: () => unknown): readonly string[] {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  return (thrown as ConfigError).problems;
}

/** The kit's unit-test connection. */
export { unitConnection as cassandra } from '../../kit/index.js';
