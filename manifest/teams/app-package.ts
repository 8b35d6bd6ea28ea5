import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import yazl from 'yazl';
import { colorIcon, outlineIcon } from './icons.ts';
import { buildTeamsManifest, MANIFEST_VERSION, type ManifestOptions } from './manifest.ts';

type Schema = Parameters<typeof AppManifestUtils.validateAgainstSchema>[1];

/** The v1.25 schema bundled with @microsoft/app-manifest: validation never goes online. */
async function bundledSchema(): Promise<Schema> {
  const entry = createRequire(import.meta.url).resolve('@microsoft/app-manifest');
  const file = path.join(path.dirname(entry), 'json-schemas', 'teams', `v${MANIFEST_VERSION}`, 'MicrosoftTeams.schema.json');
  // Same cleanup the library applies to its own copies (the schema has \a and \v escapes JSON lacks).
  const raw = (await readFile(file, 'utf8')).replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  return JSON.parse(raw) as Schema;
}

/** Schema problems of a manifest file (empty = valid), checked offline. */
export async function validateManifestFile(file: string): Promise<string[]> {
  let manifest;
  try {
    // The library's typed reader rejects a missing required field before the schema runs.
    manifest = await AppManifestUtils.readTeamsManifest(file);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
  return AppManifestUtils.validateAgainstSchema(manifest, await bundledSchema());
}

function zip(outFile: string, files: Record<string, Buffer>): Promise<void> {
  const archive = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) archive.addBuffer(content, name, { mtime: new Date('2026-01-01T00:00:00Z') });
  archive.end();
  return new Promise((resolve, reject) => {
    archive.outputStream.pipe(createWriteStream(outFile)).on('close', resolve).on('error', reject);
  });
}

export interface BuiltPackage {
  manifestFile: string;
  packageFile: string;
  problems: string[];
}

/**
 * Writes manifest.json and the icons into `outDir`, validates the manifest against the
 * bundled schema, and (only when valid) zips them into appPackage.zip.
 */
export async function buildAppPackage(options: ManifestOptions & { outDir: string }): Promise<BuiltPackage> {
  await mkdir(options.outDir, { recursive: true });
  const manifest = Buffer.from(`${JSON.stringify(buildTeamsManifest(options), null, 2)}\n`);
  const files = { 'manifest.json': manifest, 'color.png': colorIcon(), 'outline.png': outlineIcon() };
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(options.outDir, name), content);
  const manifestFile = path.join(options.outDir, 'manifest.json');
  const packageFile = path.join(options.outDir, 'appPackage.zip');
  const problems = await validateManifestFile(manifestFile);
  if (problems.length === 0) await zip(packageFile, files);
  return { manifestFile, packageFile, problems };
}
