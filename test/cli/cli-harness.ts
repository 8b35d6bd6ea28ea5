import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Db } from '../../services/db/client.ts';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A fixed test key (32 bytes, base64) so the tests can decrypt what the CLI stored. */
export const SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type Cli = (args: string[], options?: { stdin?: string; env?: Record<string, string> }) => Promise<CliResult>;

/** At most this many CLI processes at once: each is CPU-bound (tsx) for ~1-2 s. */
const MAX_PARALLEL = Math.max(2, os.availableParallelism());
let running = 0;
const queued: (() => void)[] = [];

async function withSlot<T>(task: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => queued.push(resolve));
  running += 1;
  try {
    return await task();
  } finally {
    running -= 1;
    queued.shift()?.();
  }
}

/**
 * The real `operate-hub` command (`node cli/bin.mjs`) against one database, with ONLY the
 * environment given here (nothing inherited), standard input fed and closed.
 */
export function cliFor(databaseUrl: string): Cli {
  return (args, options = {}) => withSlot(() => runCli(args, {
    DATABASE_URL: databaseUrl, OPERATE_HUB_SECRET_KEY: SECRET_KEY, LOG_LEVEL: 'silent', ...options.env,
  }, options.stdin ?? ''));
}

function runCli(args: string[], env: Record<string, string>, stdin: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['cli/bin.mjs', ...args], { cwd: projectDir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`operate-hub ${args.join(' ')} did not exit within 120 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

/** Asserts a successful command and parses its --json output. */
export function okJson<T>(result: CliResult): T {
  expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as T;
}

/** Asserts a rejected command: non-zero exit, nothing on stdout, ONE line on stderr matching `message`. */
export function expectOneLineError(result: CliResult, message: RegExp): void {
  expect(result.code, result.stdout).not.toBe(0);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
}

/**
 * Every application table's row count and content hash, plus the pg-boss job count: equal
 * snapshots before and after a command mean it wrote nothing.
 */
export async function snapshotDatabase(db: Db): Promise<Record<string, string>> {
  const tables = await db.$queryRaw<{ name: string }[]>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`;
  const snapshot: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await db.$queryRawUnsafe<{ n: number; h: string }[]>(
      `SELECT count(*)::int AS n, coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') AS h FROM "${name}" t`,
    );
    snapshot[name] = `${row?.n ?? '?'} ${row?.h ?? ''}`;
  }
  const [jobs] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pgboss.job`;
  snapshot['pgboss.job'] = String(jobs?.n ?? '?');
  return snapshot;
}

/** Every text column of every application table that contains `needle` ("table.column"). */
export async function columnsContaining(db: Db, needle: string): Promise<string[]> {
  const columns = await db.$queryRaw<{ table_schema: string; table_name: string; column_name: string }[]>`
    SELECT table_schema, table_name, column_name FROM information_schema.columns
    WHERE table_schema IN ('public', 'pgboss') AND data_type IN ('text', 'character varying', 'jsonb', 'json')`;
  const found: string[] = [];
  for (const { table_schema: schema, table_name: table, column_name: column } of columns) {
    const [row] = await db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${schema}"."${table}" WHERE position($1 in "${column}"::text) > 0`, needle,
    );
    if ((row?.n ?? 0) > 0) found.push(`${schema}.${table}.${column}`);
  }
  return found;
}
