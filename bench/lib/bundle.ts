/**
 * The Lambda bundle, built the way infra/constructs/sink-function.ts has the
 * CDK build it (NodejsFunction with local esbuild): ESM, node22, minified,
 * external source map, `kerberos` left out, a `require` banner. Its size is
 * the bundle size reported; the child processes load it as Lambda would.
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { cacheDir, repoRoot } from '../../local/services/paths.js';

export const benchCacheDir = path.join(cacheDir, 'bench');

const REQUIRE_BANNER =
  "import { createRequire as __sinkCreateRequire } from 'node:module'; const require = __sinkCreateRequire(import.meta.url);";

export interface BuiltBundle {
  readonly file: string;
  readonly bytes: number;
  readonly sourceMapBytes: number;
}

export async function bundleSinkHandler(): Promise<BuiltBundle> {
  const outdir = path.join(benchCacheDir, 'lambda');
  mkdirSync(outdir, { recursive: true });
  const file = path.join(outdir, 'index.mjs');
  await build({
    entryPoints: [path.join(repoRoot, 'lambdas', 'sink', 'handler.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: ['kerberos'],
    banner: { js: REQUIRE_BANNER },
    outfile: file,
    logLevel: 'silent',
  });
  return { file, bytes: statSync(file).size, sourceMapBytes: statSync(`${file}.map`).size };
}

/** The child measuring script, bundled so the child runs plain node on plain JS (no loader in its memory or start-up). */
export async function bundleChild(): Promise<string> {
  const file = path.join(benchCacheDir, 'child', 'measure.mjs');
  await build({
    entryPoints: [path.join(repoRoot, 'bench', 'child', 'measure.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile: file,
    logLevel: 'silent',
  });
  return file;
}
