// A sandbox's entry: registers tsx's loader in this worker thread (a worker does not always inherit the
// parent's hooks: the CLI registers them with module.register), then runs the TypeScript sandbox.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
