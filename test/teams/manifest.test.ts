import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { buildTeamsManifest, MAX_COMMANDS } from '../../manifest/teams/manifest.ts';
import { validateManifestFile } from '../../manifest/teams/app-package.ts';
import { commandHelp } from '../../services/chat/command.ts';

const botId = '3f2a9c1b-1111-4222-8333-444455556666';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'oh-manifest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Entries of a zip file (central directory walk; stored or deflated entries). */
function unzip(zip: Buffer): Record<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < count; i += 1) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const [nameLength, extraLength, commentLength] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    files[name] = method === 8 ? inflateRawSync(data) : data;
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

describe('Teams app package', () => {
  it('npm run manifest validates offline and writes appPackage.zip with the configured bot id and both icons', async () => {
    const out = path.join(dir, 'build');
    const result = spawnSync('npm', ['run', '--silent', 'manifest', '--', '--out', out, '--website-url', 'https://operate-hub.contoso.com'], {
      encoding: 'utf8', timeout: 60_000,
      // No proxy and an unroutable one for good measure: validation must not need the network.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, MICROSOFT_APP_ID: botId, MICROSOFT_APP_PASSWORD: 'unused', HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Teams manifest valid (schema 1.25');
    const files = unzip(await readFile(path.join(out, 'appPackage.zip')));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(files['manifest.json']!.toString()) as { manifestVersion: string; id: string; bots: { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[] }[] };
    expect(manifest).toMatchObject({ manifestVersion: '1.25', id: botId, bots: [{ botId }] });
    expect(manifest.bots[0]!.commandLists).toEqual([{ scopes: ['team', 'groupChat', 'personal'], commands: commandHelp.map((c) => ({ title: c.usage, description: c.description })) }]);
    const color = PNG.sync.read(files['color.png']!);
    const outline = PNG.sync.read(files['outline.png']!);
    expect([color.width, color.height, outline.width, outline.height]).toEqual([192, 192, 32, 32]);
    // Outline icons are white on transparent only.
    for (let i = 0; i < outline.data.length; i += 4) {
      if (outline.data[i + 3]! > 0) expect([outline.data[i], outline.data[i + 1], outline.data[i + 2]]).toEqual([255, 255, 255]);
    }
  });

  it('without a GUID bot id it fails with what to set', () => {
    const result = spawnSync('npm', ['run', '--silent', 'manifest', '--', '--out', path.join(dir, 'none')], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('MICROSOFT_APP_ID must be');
  });

  it('the validator rejects a manifest that breaks the schema (13 commands; no description)', async () => {
    const broken = (change: (m: Record<string, unknown> & { bots: { commandLists: { commands: unknown[] }[] }[] }) => void) => {
      const manifest = buildTeamsManifest({ botId, version: '1.0.0', websiteUrl: 'https://operate-hub.contoso.com' }) as Record<string, unknown> & { bots: { commandLists: { commands: unknown[] }[] }[] };
      change(manifest);
      return manifest;
    };
    const tooMany = broken((m) => {
      m.bots[0]!.commandLists[0]!.commands = Array.from({ length: MAX_COMMANDS + 1 }, (_, i) => ({ title: `c${i}`, description: 'd' }));
    });
    const undescribed = broken((m) => {
      delete m.description;
    });
    expect((await validateManifestFile(await write('too-many.json', tooMany))).join('\n')).toMatch(/commands/);
    expect((await validateManifestFile(await write('undescribed.json', undescribed))).join('\n')).toMatch(/description/);
    expect(await validateManifestFile(await write('valid.json', buildTeamsManifest({ botId, version: '1.0.0', websiteUrl: 'https://operate-hub.contoso.com' })))).toEqual([]);
  });
});

async function write(name: string, manifest: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(manifest));
  return file;
}
