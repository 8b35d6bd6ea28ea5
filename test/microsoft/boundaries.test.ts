import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GRAPH_HOST, LOGIN_HOST } from '../../services/microsoft/hosts.ts';

const root = path.resolve(import.meta.dirname, '../..');

function sources(folder: string): string[] {
  const dir = path.join(root, folder);
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'generated' || name === 'node_modules') return [];
    if (statSync(full).isDirectory()) return sources(path.join(folder, name));
    return /\.(ts|mts|mjs|js|json)$/.test(name) ? [path.join(folder, name)] : [];
  });
}

const text = (file: string) => readFileSync(path.join(root, file), 'utf8');
const insideMicrosoft = (file: string) => file.startsWith(`services${path.sep}microsoft${path.sep}`);
/** Any import, require or re-export of the two libraries, type-only ones included. */
const libraryImport = /(?:from|import|require)\s*\(?\s*['"](@azure\/msal-node|@microsoft\/microsoft-graph-client)(?:\/[^'"]*)?['"]/;
const hostName = new RegExp([GRAPH_HOST, LOGIN_HOST].map((h) => h.replaceAll('.', '\\.')).join('|'), 'i');

describe('Microsoft boundaries (issue: nothing outside services/microsoft talks to Microsoft directly)', () => {
  const product = ['bot', 'cards', 'services', 'worker', 'cli'].flatMap(sources);

  it('nothing outside services/microsoft imports MSAL or the Graph client', () => {
    expect(product.filter((f) => !insideMicrosoft(f) && libraryImport.test(text(f)))).toEqual([]);
  });

  it('nothing outside services/microsoft names the Graph or the login host (sim/ imports the constants)', () => {
    const offenders = [...product, ...sources('sim')].filter((f) => !insideMicrosoft(f) && hostName.test(text(f)));
    expect(offenders).toEqual([]);
  });

  it('the scan is not vacuous: it finds both inside services/microsoft', () => {
    expect(product.length).toBeGreaterThan(40);
    expect(libraryImport.test(text('services/microsoft/graph-client.ts'))).toBe(true);
    expect(libraryImport.test(text('services/microsoft/msal-factory.ts'))).toBe(true);
    expect(hostName.test(text('services/microsoft/hosts.ts'))).toBe(true);
    expect(sources('sim').some((f) => text(f).includes('services/microsoft/hosts.ts'))).toBe(true);
  });
});
