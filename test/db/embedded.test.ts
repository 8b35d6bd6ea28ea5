import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, ensureLocalSecretKey, startEmbeddedDatabase } from '../../services/db/embedded.ts';

const fixture = fileURLToPath(new URL('./fixtures/embedded-owner.ts', import.meta.url));
const isRoot = process.getuid?.() === 0;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A reaped-by-nobody zombie counts as dead (PID 1 in containers may not reap orphans).
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ one: number }>('select 1 as one');
    return result.rows[0]?.one ?? 0;
  } finally {
    await client.end();
  }
}

const statePath = (projectDir: string): string => path.join(projectDir, '.operate-hub', 'embedded.json');
const readState = (projectDir: string): { pid: number; ownerPid: number; port: number } =>
  JSON.parse(readFileSync(statePath(projectDir), 'utf8')) as { pid: number; ownerPid: number; port: number };

describe('embedded PostgreSQL', { timeout: 60_000 }, () => {
  // Under /var/tmp (world-traversable); mkdtemp makes 0700 folders, so open the base up.
  const base = mkdtempSync('/var/tmp/ohtest-');
  chmodSync(base, 0o755);
  const projectDir = path.join(base, 'project');
  mkdirSync(projectDir);
  const logs: string[] = [];
  const log = (message: string): void => void logs.push(message);
  const owned: EmbeddedDatabase[] = [];
  const dataDirs = new Set<string>();
  const children: ChildProcess[] = [];

  async function start(dir: string, databaseName?: string): Promise<EmbeddedDatabase> {
    const db = await startEmbeddedDatabase({ projectDir: dir, log, ...(databaseName ? { databaseName } : {}) });
    dataDirs.add(db.dataDir);
    if (db.owned) owned.push(db);
    return db;
  }

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const db of owned.reverse()) await db.stop().catch(() => undefined);
    // Anything still running on our data dirs (a test failed half way): stop it by pid.
    for (const dataDir of dataDirs) {
      const pidFile = path.join(dataDir, 'postmaster.pid');
      const pid = existsSync(pidFile) ? Number.parseInt(readFileSync(pidFile, 'utf8'), 10) : 0;
      if (pid > 0 && alive(pid)) {
        process.kill(pid, 'SIGINT');
        for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
      }
      if (dataDir.startsWith(os.tmpdir())) rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
    rmSync(base, { recursive: true, force: true });
  }, 60_000);

  let first: EmbeddedDatabase;

  it('boots from a clean state and answers select 1', async () => {
    first = await start(projectDir);
    expect(first.owned).toBe(true);
    expect(first.url).toMatch(/^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/operate_hub$/);
    expect(first.dataDir).toBe(path.join(projectDir, '.operate-hub', 'pgdata'));
    expect(logs.some((l) => l.includes('initialising a new cluster'))).toBe(true);
    expect(await selectOne(first.url)).toBe(1);
    expect(readState(projectDir).ownerPid).toBe(process.pid);
    expect(statSync(path.join(projectDir, '.operate-hub', 'embedded-config.json')).mode & 0o777).toBe(0o600);
  });

  it('a second start while the first runs shares the server and its stop() leaves it running', async () => {
    const second = await start(projectDir);
    expect(second.owned).toBe(false);
    expect(second.url).toBe(first.url);
    await second.stop();
    expect(await selectOne(first.url)).toBe(1);
    const other = await start(projectDir, 'other_db'); // a database that does not exist yet is created
    expect(other.owned).toBe(false);
    expect(await selectOne(other.url)).toBe(1);
  });

  it('after the owner stops, a fresh start works (no new initdb)', async () => {
    const { pid } = readState(projectDir);
    await first.stop();
    expect(alive(pid)).toBe(false);
    expect(existsSync(statePath(projectDir))).toBe(false);
    logs.length = 0;
    const again = await start(projectDir);
    expect(again.owned).toBe(true);
    expect(again.url).toBe(first.url); // same stored port and password
    expect(logs.some((l) => l.includes('initialising'))).toBe(false);
    expect(await selectOne(again.url)).toBe(1);
    await again.stop();
  });

  it('recovers from an owner killed with SIGKILL (server left running)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, projectDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = await new Promise<{ pid: number; url: string; owned: boolean }>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0] ?? '') as { pid: number; url: string; owned: boolean });
      });
      child.on('exit', (code) => reject(new Error(`child exited (${code}): ${stderr}`)));
    });
    expect(ready.owned).toBe(true);
    const orphan = readState(projectDir).pid;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(alive(orphan)).toBe(true); // the crash left postgres running

    logs.length = 0;
    const recovered = await start(projectDir);
    expect(recovered.owned).toBe(true);
    expect(logs.some((l) => l.includes(`previous owner pid ${ready.pid} is gone`))).toBe(true);
    expect(alive(orphan)).toBe(false);
    expect(readState(projectDir).ownerPid).toBe(process.pid);
    expect(await selectOne(recovered.url)).toBe(1);
    await recovered.stop();
  });

  it('removes a stale postmaster.pid whose pid is dead', async () => {
    const deadPid = spawnSync('true').pid ?? 999_999;
    writeFileSync(path.join(first.dataDir, 'postmaster.pid'), `${deadPid}\n${first.dataDir}\n`);
    logs.length = 0;
    const db = await start(projectDir);
    expect(logs.some((l) => l.includes('removing stale'))).toBe(true);
    expect(await selectOne(db.url)).toBe(1);
    await db.stop();
  });

  it('picks another port when the stored one is taken, and says so', async () => {
    const configFile = path.join(projectDir, '.operate-hub', 'embedded-config.json');
    const { port } = JSON.parse(readFileSync(configFile, 'utf8')) as { port: number };
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      logs.length = 0;
      const db = await start(projectDir);
      expect(db.url).not.toContain(`:${port}/`);
      expect(logs.some((l) => l.includes(`port ${port} is in use`))).toBe(true);
      expect(await selectOne(db.url)).toBe(1);
      await db.stop();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('two starts at the same moment yield exactly one owner', async () => {
    const dir = path.join(base, 'race', 'nested'); // missing parents are created traversable
    const [a, b] = await Promise.all([start(dir), start(dir)]);
    expect([a.owned, b.owned].sort()).toEqual([false, true]);
    expect(a.dataDir).toBe(path.join(dir, '.operate-hub', 'pgdata'));
    expect(a.url).toBe(b.url);
    expect(await selectOne(a.url)).toBe(1);
    await (a.owned ? a : b).stop();
  });

  it.skipIf(!isRoot)('under a 0700 parent, falls back to a private tmpdir folder and says so', async () => {
    const locked = path.join(base, 'locked');
    mkdirSync(locked, { mode: 0o700 });
    chmodSync(locked, 0o700);
    const dir = path.join(locked, 'project');
    mkdirSync(dir);
    logs.length = 0;
    const db = await start(dir);
    expect(db.owned).toBe(true);
    expect(db.dataDir.startsWith(path.join(os.tmpdir(), 'operate-hub-'))).toBe(true);
    expect(logs.some((l) => l.includes(db.dataDir) && l.includes(`cannot traverse ${locked}`))).toBe(true);
    expect(statSync(path.dirname(db.dataDir)).mode & 0o777).toBe(0o700);
    expect(await selectOne(db.url)).toBe(1);
    const key = await ensureLocalSecretKey({ projectDir: dir, log });
    expect(existsSync(path.join(dir, '.operate-hub', 'secret.key'))).toBe(true); // key stays in the project
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    await db.stop();
  });

  it('generates the secret key once, mode 0600', async () => {
    logs.length = 0;
    const key = await ensureLocalSecretKey({ projectDir, log });
    const file = path.join(projectDir, '.operate-hub', 'secret.key');
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await ensureLocalSecretKey({ projectDir, log })).toBe(key);
    expect(logs.filter((l) => l.includes('Generated a new local secret key') && l.includes(file))).toHaveLength(1);
  });
});
