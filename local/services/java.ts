import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, repoRoot } from './paths.js';

const run = promisify(execFile);

/** The java binary: $JAVA_HOME/bin/java when set, else java on PATH. */
export function javaBinary(): string {
  const home = process.env.JAVA_HOME;
  return home !== undefined && home !== '' ? path.join(home, 'bin', 'java') : 'java';
}

/** Fails unless the JVM is Java 17 to 23: Cassandra 5.0 runs on 11 and 17 only, and nothing runs on 24+. */
export async function requireJava17(service: string): Promise<void> {
  let banner: string;
  try {
    banner = (await run(javaBinary(), ['-version'])).stderr;
  } catch (error) {
    throw new Error(`${service}: cannot run ${javaBinary()}: install a Java 17 JDK or set JAVA_HOME (${String(error)})`, { cause: error });
  }
  const major = /version "(\d+)/.exec(banner)?.[1];
  if (major !== '17') {
    throw new Error(
      `${service}: needs Java 17, found ${JSON.stringify(major ?? banner.split('\n')[0])} at ${javaBinary()}; set JAVA_HOME to a Java 17 JDK`,
    );
  }
}

/**
 * Resolves the runtime jars of a pinned Maven pom (local/services/maven/<name>/pom.xml)
 * into .cache/<name>/lib. The Maven repository is .cache/m2, so a fresh clone
 * downloads once and then works from the cache. A stamp keyed on the pom's
 * hash makes a version bump re-resolve.
 */
export async function resolveJars(name: string): Promise<string[]> {
  const pom = path.join(repoRoot, 'local', 'services', 'maven', name, 'pom.xml');
  const libDir = path.join(cacheDir, name, 'lib');
  const stamp = path.join(cacheDir, name, 'lib.stamp');
  const hash = createHash('sha256').update(readFileSync(pom)).digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash) {
    rmSync(libDir, { recursive: true, force: true });
    try {
      await run(
        'mvn',
        [
          '-B',
          '-q',
          '-f',
          pom,
          `-Dmaven.repo.local=${path.join(cacheDir, 'm2')}`,
          'dependency:copy-dependencies',
          '-DincludeScope=runtime',
          `-DoutputDirectory=${libDir}`,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
    } catch (error) {
      const detail =
        error instanceof Error && 'stdout' in error ? String((error as { stdout: unknown }).stdout).slice(-2000) : String(error);
      throw new Error(`${name}: resolving jars from Maven Central with ${pom} failed:\n${detail}`, { cause: error });
    }
    writeFileSync(stamp, hash);
  }
  return readdirSync(libDir)
    .filter((file) => file.endsWith('.jar'))
    .sort()
    .map((file) => path.join(libDir, file));
}
