import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { keyText } from '../../../lambdas/core/rows/key-text.js';

describe('keyText', () => {
  it('gives equal uuid keys one identity and different ones distinct identities', () => {
    const text = '2f1e4a9c-6b3d-4c8e-9a7f-0d1e2f3a4b5c';
    expect(keyText(types.Uuid.fromString(text))).toBe(keyText(new types.Uuid(types.Uuid.fromString(text).getBuffer())));
    expect(keyText(types.Uuid.fromString(text))).not.toBe(keyText(types.Uuid.fromString('2f1e4a9c-6b3d-4c8e-9a7f-0d1e2f3a4b5d')));
    const time = types.TimeUuid.now();
    expect(keyText(types.TimeUuid.fromString(time.toString()))).toBe(keyText(time));
    expect(keyText([types.Uuid.fromString(text)])).toBe(keyText([types.Uuid.fromString(text)]));
  });
});
