import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findPython313 } from '../../local/services/localstack.js';

/** A fake interpreter: a script that answers the version probe like `python3.13 -c ...` would. */
function fakePython(file: string, version: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho ${version}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('findPython313 (the interpreter LocalStack is installed with)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const isolate = (): string => {
    const root = mkdtempSync(path.join(tmpdir(), 'kcs-python-'));
    const emptyPath = path.join(root, 'bin');
    mkdirSync(emptyPath);
    // No python3.13 and no pyenv on the PATH: only PYENV_ROOT can be found.
    vi.stubEnv('PATH', emptyPath);
    vi.stubEnv('PYENV_ROOT', path.join(root, 'pyenv'));
    vi.stubEnv('KCS_LOCALSTACK_PYTHON', '');
    return root;
  };

  it('takes the newest 3.13 under $(pyenv root)/versions, ignoring other versions', async () => {
    const root = isolate();
    fakePython(path.join(root, 'pyenv/versions/3.12.1/bin/python3.13'), '3.12');
    fakePython(path.join(root, 'pyenv/versions/3.13.0/bin/python3.13'), '3.13');
    const newest = fakePython(path.join(root, 'pyenv/versions/3.13.10/bin/python3.13'), '3.13');
    await expect(findPython313()).resolves.toBe(newest);
  });

  it('prefers KCS_LOCALSTACK_PYTHON, and rejects one that is not 3.13 by name', async () => {
    const root = isolate();
    const explicit = fakePython(path.join(root, 'explicit/python'), '3.13');
    vi.stubEnv('KCS_LOCALSTACK_PYTHON', explicit);
    await expect(findPython313()).resolves.toBe(explicit);
    const wrong = fakePython(path.join(root, 'wrong/python'), '3.11');
    vi.stubEnv('KCS_LOCALSTACK_PYTHON', wrong);
    await expect(findPython313()).rejects.toThrow(`KCS_LOCALSTACK_PYTHON="${wrong}" is not a working Python 3.13 interpreter`);
  });

  it('says what it tried and how to fix it when there is none', async () => {
    const root = isolate();
    const error = await findPython313().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('needs Python 3.13 and none was found');
    expect(message).toContain('python3.13 on PATH');
    expect(message).toContain(path.join(root, 'pyenv', 'versions', '3.13.*', 'bin', 'python3.13'));
    expect(message).toContain('pyenv install 3.13');
  });
});
