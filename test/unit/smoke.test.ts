import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('runs on the Lambda runtime major version (Node 22)', () => {
    expect(process.versions.node.split('.')[0]).toBe('22');
  });
});
