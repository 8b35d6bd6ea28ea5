import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/fixtures.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** The environment of a fresh machine: no DATABASE_URL, no key, a clean home folder. */
function freshEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, OPERATE_HUB_HOME: home, LOG_LEVEL: 'warn', PORT: '0' };
  return env;
}

describe('npm start on a fresh machine (embedded database)', () => {
  let home = '';
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('boots from a clean state, serves /readyz, shares its database with a CLI process and stops on SIGTERM', async () => {
    home = await mkdtemp(path.join('/var/tmp', 'operate-hub-smoke-'));
    server = spawn(process.execPath, ['cli/bin.mjs', 'serve'], { cwd: root, env: freshEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    server.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
    server.stderr?.on('data', (c: Buffer) => { out += c.toString(); });
    const url = await waitFor(async () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], { timeoutMs: 90_000, what: `the server to listen (output: ${out})` });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect((await stat(path.join(home, '.operate-hub', 'secret.key'))).mode & 0o777).toBe(0o600);

    const cli = (args: string[]) => run(process.execPath, ['cli/bin.mjs', ...args], { cwd: root, env: freshEnv(home) });
    await cli(['tenant', 'add', '--name', 'Smoke Test', '--entra-tenant-id', '11111111-2222-3333-4444-555555555555']);
    const listed = JSON.parse((await cli(['tenant', 'list', '--json'])).stdout) as { slug: string }[];
    expect(listed.map((t) => t.slug)).toEqual(['smoke-test']);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    server.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => server?.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    // The owner stopped its embedded server on the way out: no runtime state is left.
    await expect(stat(path.join(home, '.operate-hub', 'embedded.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 150_000);
});
