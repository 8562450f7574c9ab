import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../../infra/build.js';
import { loadDeployment, type Deployment } from '../../../infra/config/load.js';

const root = new URL('../../../', import.meta.url).pathname;
export const FIXTURE_CODE = join(root, 'test/fixtures/infra/lambda');
export const EXAMPLES = join(root, 'infra/examples');

/** The feature flags of cdk.json, so that tests synthesize what `cdk synth` does. */
const cdkContext = (JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

export interface Synthesized {
  readonly deployment: Deployment;
  readonly outdir: string;
  /** Template per stack id ("Sink", "Dev"). */
  readonly templates: Readonly<Record<string, Template>>;
  readonly templateFiles: Readonly<Record<string, string>>;
  /** Violations reported by cdk-nag that were not acknowledged, as "<rule> <construct path>". */
  readonly nagFindings: readonly string[];
  /** Warning annotations per stack id, as `cdk synth` prints them. */
  readonly warnings: Readonly<Record<string, readonly string[]>>;
}

export interface SynthOptions {
  /** Bundle lambdas/sink and lambdas/replay instead of the fixture handler. @default false */
  readonly bundleHandlers?: boolean;
}

export function loadExample(name: string): Deployment {
  return loadDeployment(join(EXAMPLES, name));
}

/**
 * Synthesizes a deployment once: templates for assertions, the template files for
 * cfn-lint, and cdk-nag's unacknowledged findings read from the validation report.
 */
export function synth(deployment: Deployment, options: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'kafka-cql-sink-synth-'));
  // Findings are read from the report below rather than thrown, to list all of them.
  const app = new App({ outdir, context: { ...cdkContext, '@aws-cdk/core:failSynthOnValidationErrors': false } });
  const prebuiltCode = options.bundleHandlers === true ? undefined : { sink: FIXTURE_CODE, replay: FIXTURE_CODE };
  const built = buildApp(deployment, { app, prebuiltCode });
  const assembly = app.synth();
  // In process, a context lookup is only recorded as missing; `cdk synth` would call AWS for it.
  const lookups = (assembly.manifest.missing ?? []).map((missing) => missing.key);
  if (lookups.length > 0) throw new Error(`synth needs context lookups, so \`cdk synth\` would call AWS: ${lookups.join(', ')}`);
  const stacks = [built.sink, ...(built.dev === undefined ? [] : [built.dev])];
  const templates: Record<string, Template> = {};
  const templateFiles: Record<string, string> = {};
  const warnings: Record<string, string[]> = {};
  for (const stack of stacks) {
    const artifact = assembly.getStackArtifact(stack.artifactId);
    warnings[stack.node.id] = artifact.messages
      .filter((message) => (message.level as string) === 'warning')
      .map((message) => (typeof message.entry.data === 'string' ? message.entry.data : JSON.stringify(message.entry.data)));
    templateFiles[stack.node.id] = join(outdir, artifact.templateFile);
    templates[stack.node.id] = Template.fromJSON(artifact.template as Record<string, unknown>);
  }
  return { deployment, outdir, templates, templateFiles, nagFindings: readNagFindings(outdir), warnings };
}

interface ValidationReport {
  readonly pluginReports?: readonly {
    readonly pluginName?: string;
    readonly violations?: readonly {
      readonly ruleName?: string;
      readonly violatingConstructs?: readonly { readonly constructPath?: string }[];
    }[];
  }[];
}

function readNagFindings(outdir: string): string[] {
  let report: ValidationReport;
  try {
    report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
  } catch {
    return [];
  }
  return (report.pluginReports ?? [])
    .filter((plugin) => plugin.pluginName?.includes('AwsSolutions') === true)
    .flatMap((plugin) =>
      (plugin.violations ?? []).flatMap((violation) =>
        (violation.violatingConstructs ?? []).map((construct) => `${violation.ruleName ?? '?'} ${construct.constructPath ?? '?'}`),
      ),
    );
}
