import { describe, expect, it } from 'vitest';
import { cfnLint } from './support/cfn-lint.js';
import { loadExample, synth } from './support/synth.js';

// Every example, every stack: cfn-lint (pinned, from PyPI) must report no error.
const examples = ['msk-cassandra.yaml', 'self-managed-astra.yaml', 'msk-keyspaces.yaml', 'dev-keyspaces.yaml'];

describe('cfn-lint on every synthesized template', () => {
  it('finds no error', () => {
    const files = examples.flatMap((name) => Object.values(synth(loadExample(name)).templateFiles));
    expect(files.length).toBe(5);
    const errors = cfnLint(files, ['eu-west-1'])
      .filter((match) => match.Level === 'Error')
      .map((match) => `${match.Rule.Id} ${match.Location.Path?.join('/') ?? ''}: ${match.Message}`);
    expect(errors).toEqual([]);
  }, 600_000);
});
