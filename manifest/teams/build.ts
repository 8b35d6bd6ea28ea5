/**
 * `npm run manifest`: builds manifest/teams/build/appPackage.zip (manifest.json + icons)
 * for MICROSOFT_APP_ID, validated offline against the bundled v1.25 schema.
 *   --out <dir>          output folder (default manifest/teams/build)
 *   --website-url <url>  the developer site shown in Teams (https; privacy/terms pages below it)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod/v4';
import { parseConfig } from '../../services/config.ts';
import { buildAppPackage } from './app-package.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const PLACEHOLDER_SITE = 'https://www.example.com/operate-hub';

async function main(): Promise<number> {
  // This script is an entry point of its own: it parses the environment like cli/main.ts.
  // eslint-disable-next-line no-restricted-properties
  const config = parseConfig(process.env);
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'website-url': { type: 'string' } } });
  const botId = z.guid().safeParse(config.MICROSOFT_APP_ID);
  if (!botId.success) {
    process.stderr.write(`MICROSOFT_APP_ID must be the Azure Bot's Microsoft app id (a GUID); got ${config.MICROSOFT_APP_ID ? `"${config.MICROSOFT_APP_ID}"` : 'nothing'}.\n`
      + 'Example: MICROSOFT_APP_ID=00000000-0000-0000-0000-000000000000 npm run manifest\n');
    return 1;
  }
  const website = z.url({ protocol: /^https$/ }).safeParse(values['website-url'] ?? PLACEHOLDER_SITE);
  if (!website.success) {
    process.stderr.write('--website-url must be an https:// URL.\n');
    return 1;
  }
  if (website.data === PLACEHOLDER_SITE) process.stderr.write(`warning: developer website is the placeholder ${PLACEHOLDER_SITE}; pass --website-url before publishing to your org's catalog.\n`);
  const version = (JSON.parse(readFileSync(path.join(here, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  const outDir = path.resolve(values.out ?? path.join(here, 'build'));
  const built = await buildAppPackage({ botId: botId.data, version, websiteUrl: website.data, outDir });
  if (built.problems.length > 0) {
    process.stderr.write(`manifest.json is not valid against the Teams v1.25 schema:\n${built.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
  const shown = path.relative(process.cwd(), built.packageFile);
  process.stdout.write(`Teams manifest valid (schema 1.25, bot ${botId.data}).\nWrote ${shown.startsWith('..') ? built.packageFile : shown}\n`);
  return 0;
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
