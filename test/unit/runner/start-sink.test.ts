import { describe, expect, it } from 'vitest';
import type { SinkRuntime } from '../../../lambdas/composition/sink-runtime.js';
import { startSink } from '../../../local/runner/run.js';

/** A runtime that must never be used: the argument check comes before anything runs. */
const untouchable = new Proxy({} as SinkRuntime, {
  get: (_target, property) => {
    throw new Error(`runtime.${String(property)} used`);
  },
});

describe('startSink, the one local entry', () => {
  it('takes env (a runtime it builds and closes) or a runtime the caller built, not both and not neither', async () => {
    const common = { bootstrapServers: ['127.0.0.1:1'], groupId: 'g', warn: () => undefined };
    await expect(startSink({ ...common, env: { SINK_CONFIG: '{}' }, runtime: untouchable })).rejects.toThrow(
      'startSink takes env or runtime, not both',
    );
    await expect(startSink(common)).rejects.toThrow('startSink needs env (to build the runtime) or runtime');
  });
});
