import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { transformForLocalstack, type CfnTemplate, type Removal, type TransformOptions } from './localstack-transform.js';

interface ArtifactManifest {
  readonly type: string;
  properties?: Record<string, unknown> & { templateFile?: string; file?: string; stackTemplateAssetObjectUrl?: string; stackName?: string };
}

interface AssemblyManifest {
  artifacts?: Record<string, ArtifactManifest>;
  [key: string]: unknown;
}

interface FileAsset {
  source: { path?: string; packaging?: string };
  destinations: Record<string, { objectKey: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

interface AssetManifest {
  files?: Record<string, FileAsset>;
  [key: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the file's shape
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/**
 * Copies a synthesized cloud assembly (`cdk.out`) to `target` with every stack template transformed
 * for LocalStack (see localstack-transform.ts), so that `cdk deploy --app <target>` deploys exactly
 * that: the CLI's own bootstrap check, asset publishing, change sets and cross-stack order.
 *
 * A transformed template is a new file asset: it gets the hash of its new content as its name, as
 * synthesis would have named it (the CLI skips publishing an asset whose name is already in the
 * bucket). File assets that no remaining template mentions (the removed functions' code) are dropped,
 * so nothing is zipped and uploaded for nothing.
 */
export interface LocalstackAssembly {
  readonly removals: readonly Removal[];
  /** The transformed stacks, in the manifest's order. */
  readonly stacks: readonly { readonly artifactId: string; readonly stackName: string; readonly template: CfnTemplate }[];
}

export function writeLocalstackAssembly(source: string, target: string, options: TransformOptions = {}): LocalstackAssembly {
  cpSync(source, target, { recursive: true });
  const manifestFile = path.join(target, 'manifest.json');
  const manifest = readJson<AssemblyManifest>(manifestFile);
  const artifacts = Object.entries(manifest.artifacts ?? {});
  const stacks = artifacts.filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack');
  const templateFileOf = (artifact: ArtifactManifest): string => {
    const file = artifact.properties?.templateFile;
    if (file === undefined) throw new Error(`stack artifact without a templateFile in ${manifestFile}`);
    return file;
  };
  const input = Object.fromEntries(
    stacks.map(([id, artifact]) => [id, readJson<CfnTemplate>(path.join(target, templateFileOf(artifact)))]),
  );
  const { templates, removals } = transformForLocalstack(input, options);

  const templateTexts = new Map<string, string>();
  for (const [id, artifact] of stacks) {
    const text = JSON.stringify(templates[id], undefined, 1);
    templateTexts.set(templateFileOf(artifact), text);
    writeFileSync(path.join(target, templateFileOf(artifact)), text);
  }
  const allTemplates = [...templateTexts.values()].join('\n');

  for (const [, artifact] of artifacts) {
    if (artifact.type !== 'cdk:asset-manifest' || artifact.properties?.file === undefined) continue;
    const assetsFile = path.join(target, artifact.properties.file);
    const assets = readJson<AssetManifest>(assetsFile);
    const files: Record<string, FileAsset> = {};
    for (const [hash, asset] of Object.entries(assets.files ?? {})) {
      const templateText = asset.source.path === undefined ? undefined : templateTexts.get(asset.source.path);
      if (templateText !== undefined) {
        const newHash = createHash('sha256').update(templateText).digest('hex');
        for (const destination of Object.values(asset.destinations)) destination.objectKey = destination.objectKey.replace(hash, newHash);
        files[newHash] = asset;
        for (const [, stack] of stacks) {
          const url = stack.properties?.stackTemplateAssetObjectUrl;
          if (stack.properties !== undefined && url?.includes(hash) === true)
            stack.properties.stackTemplateAssetObjectUrl = url.replace(hash, newHash);
        }
      } else if (allTemplates.includes(hash)) {
        files[hash] = asset;
      }
    }
    writeFileSync(assetsFile, JSON.stringify({ ...assets, files }, undefined, 1));
  }
  writeFileSync(manifestFile, JSON.stringify(manifest, undefined, 1));
  return {
    removals,
    stacks: stacks.map(([id, artifact]) => ({
      artifactId: id,
      stackName: artifact.properties?.stackName ?? id,
      template: templates[id] ?? {},
    })),
  };
}
