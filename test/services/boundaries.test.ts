import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sources(folder: string): string[] {
  const dir = path.join(root, folder);
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'generated' || name === 'node_modules') return [];
    if (statSync(full).isDirectory()) return sources(path.join(folder, name));
    return /\.(ts|mts|mjs)$/.test(name) ? [path.join(folder, name)] : [];
  });
}

/** Runtime imports only: `import type` is erased and cannot query anything. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)(?!\s+type\s)[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? '');
}

function offenders(folders: string[], forbidden: RegExp): string[] {
  return folders.flatMap(sources).flatMap((file) => importsOf(file).filter((spec) => forbidden.test(spec)).map((spec) => `${file} imports ${spec}`));
}

describe('layer boundaries (STYLE.md section 2)', () => {
  it('bot/ and cards/ never import Prisma, pg, pg-boss or the database layer', () => {
    expect(offenders(['bot', 'cards'], /^(@prisma\/|pg$|pg-boss)|services\/db\//)).toEqual([]);
  });

  it('services/ and worker/ never import a chat platform SDK', () => {
    expect(offenders(['services', 'worker'], /^(botbuilder|botframework-|@microsoft\/teams-ai|@slack\/)/)).toEqual([]);
  });

  it('cards/ import no service that queries (they render view models only)', () => {
    expect(offenders(['cards'], /services\/(runs|chat\/chat-service|admin|auth\/authorize|audit)/)).toEqual([]);
  });

  it('nothing outside the entry points reads process.env', () => {
    const allowed = new Set(['cli/main.ts']);
    const readers = ['bot', 'cards', 'services', 'worker', 'cli', 'sim'].flatMap(sources)
      .filter((file) => !allowed.has(file) && /process\.env/.test(readFileSync(path.join(root, file), 'utf8').replace(/\/\/.*$/gm, '')));
    expect(readers).toEqual([]);
  });

  it('the scan sees the source tree (the checks above cannot pass vacuously)', () => {
    expect(sources('services').length).toBeGreaterThan(20);
    expect(importsOf('services/runs/start-run.ts')).toContain('pg-boss');
  });
});
