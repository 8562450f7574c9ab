import type { RunSinkOptions } from '../../../runner/run.js';

/** What a set-up hands the run: the sink's options, without the progress and warning sinks the command adds. */
export type RunTarget = Omit<RunSinkOptions, 'progress' | 'progressIntervalMs' | 'warn' | 'wrapHandler'>;

export interface RunSetup {
  readonly options: RunTarget;
  /** Demo records per second to produce while the sink runs (the demo only); 0 for none. */
  readonly demoRate: number;
}
