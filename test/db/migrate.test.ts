import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../services/db/migrate.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));
const MIGRATE_MODULE = new URL('../../services/db/migrate.ts', import.meta.url).href;

/** Runs migrateDatabase in a separate Node process (tsx loader); resolves to its `applied`. */
async function migrateInChildProcess(url: string): Promise<string[]> {
  const code = `import { migrateDatabase } from ${JSON.stringify(MIGRATE_MODULE)};
    const result = await migrateDatabase(process.argv[1]);
    process.stdout.write(JSON.stringify(result.applied));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, url], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)), // where tsx resolves
  });
  return JSON.parse(stdout) as string[];
}

function serverUrl(): string {
   
  return process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

const created: string[] = [];
const tempDirs: string[] = [];

/** A fresh empty database on the test server, dropped in afterAll. */
async function freshDatabase(): Promise<string> {
  const name = `ohmig_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl(), (client) => client.query(`CREATE DATABASE "${name}"`));
  created.push(name);
  return databaseUrl(name);
}

async function withClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function query<R extends pg.QueryResultRow>(connectionString: string, sql: string): Promise<R[]> {
  return withClient(connectionString, async (client) => (await client.query<R>(sql)).rows);
}

async function tableExists(connectionString: string, table: string): Promise<boolean> {
  const rows = await query<{ exists: boolean }>(connectionString, `SELECT to_regclass('public.${table}') IS NOT NULL AS exists`);
  return rows[0]?.exists ?? false;
}

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/** A temporary migrations folder: { folderName: sql }. */
async function tempMigrations(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ohmig-'));
  tempDirs.push(dir);
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

interface Row {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const rowsOf = (url: string) => query<Row>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name');

afterAll(async () => {
  await withClient(serverUrl(), async (client) => {
    for (const name of created) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe('migrateDatabase', { timeout: 60_000 }, () => {
  it('applies every migration of prisma/migrations in order and records it like Prisma does', async () => {
    const url = await freshDatabase();
    const expected = await migrationNames(MIGRATIONS_DIR);
    expect(expected.length).toBeGreaterThanOrEqual(2);

    const { applied } = await migrateDatabase(url);
    expect(applied).toEqual(expected);

    const rows = await rowsOf(url);
    expect(rows.map((row) => row.migration_name)).toEqual(expected);
    for (const row of rows) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.applied_steps_count).toBe(1);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
    }

    // Prisma's exact table definition.
    const columns = await query<{ column_name: string; type: string; not_null: boolean; default: string | null }>(
      url,
      `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
              pg_get_expr(d.adbin, d.adrelid) AS default
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = '"_prisma_migrations"'::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
    );
    expect(columns).toEqual([
      { column_name: 'id', type: 'character varying(36)', not_null: true, default: null },
      { column_name: 'checksum', type: 'character varying(64)', not_null: true, default: null },
      { column_name: 'finished_at', type: 'timestamp with time zone', not_null: false, default: null },
      { column_name: 'migration_name', type: 'character varying(255)', not_null: true, default: null },
      { column_name: 'logs', type: 'text', not_null: false, default: null },
      { column_name: 'rolled_back_at', type: 'timestamp with time zone', not_null: false, default: null },
      { column_name: 'started_at', type: 'timestamp with time zone', not_null: true, default: 'now()' },
      { column_name: 'applied_steps_count', type: 'integer', not_null: true, default: '0' },
    ]);
    const pk = await query<{ indexname: string }>(url, `SELECT indexname FROM pg_indexes WHERE tablename = '_prisma_migrations'`);
    expect(pk.map((row) => row.indexname)).toEqual(['_prisma_migrations_pkey']);

    // The schema is there, including the raw-SQL partial unique indexes.
    expect(await tableExists(url, 'operation_runs')).toBe(true);
    const indexes = await query<{ indexname: string }>(url, `SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`);
    expect(indexes.map((row) => row.indexname)).toEqual(
      expect.arrayContaining([
        'operation_runs_identity_active_key',
        'operation_runs_identity_strict_key',
        'provider_connections_default_key',
      ]),
    );
  });

  it('applies nothing the second time', async () => {
    const url = await freshDatabase();
    const messages: string[] = [];
    expect((await migrateDatabase(url)).applied.length).toBeGreaterThan(0);
    const before = await rowsOf(url);

    expect(await migrateDatabase(url, { log: (message) => messages.push(message) })).toEqual({ applied: [] });
    expect(await rowsOf(url)).toEqual(before);
    expect(messages).toContain('No pending migrations');
  });

  it('applies each migration once when callers run concurrently', async () => {
    const url = await freshDatabase();
    const expected = await migrationNames(MIGRATIONS_DIR);

    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
    const all = results.flatMap((result) => result.applied);
    expect([...all].sort()).toEqual(expected);
    expect(results.filter((result) => result.applied.length > 0)).toHaveLength(1);

    const counts = await query<{ migration_name: string; n: number }>(
      url,
      'SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name',
    );
    expect(counts).toEqual(expected.map((name) => ({ migration_name: name, n: 1 })));
  });

  it('applies each migration once when two processes migrate at the same time', async () => {
    const url = await freshDatabase();
    const expected = await migrationNames(MIGRATIONS_DIR);

    const results = await Promise.all([migrateInChildProcess(url), migrateInChildProcess(url)]);
    expect(results.flat().sort()).toEqual(expected);
    expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
    const rows = await rowsOf(url);
    expect(rows.map((row) => row.migration_name)).toEqual(expected);
  });

  it('rolls a failing migration back entirely, records it, and refuses to continue (P3009)', async () => {
    const url = await freshDatabase();
    const dir = await tempMigrations({
      '20240101000000_first': 'CREATE TABLE first_table (id int PRIMARY KEY);\n',
      '20240101000001_broken':
        'CREATE TABLE broken_table (id int PRIMARY KEY);\n' +
        'INSERT INTO broken_table VALUES (1);\n' +
        'ALTER TABLE first_table ADD COLUMN note text;\n' +
        'INSERT INTO missing_table VALUES (1);\n',
      '20240101000002_later': 'CREATE TABLE later_table (id int PRIMARY KEY);\n',
    });

    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(/20240101000001_broken failed.*missing_table/s);

    // No partial changes from the broken file, nothing after it.
    expect(await tableExists(url, 'first_table')).toBe(true);
    expect(await tableExists(url, 'broken_table')).toBe(false);
    expect(await tableExists(url, 'later_table')).toBe(false);
    const noteColumn = await query(url, `SELECT 1 FROM information_schema.columns WHERE table_name = 'first_table' AND column_name = 'note'`);
    expect(noteColumn).toHaveLength(0);

    const rows = await rowsOf(url);
    expect(rows.map((row) => row.migration_name)).toEqual(['20240101000000_first', '20240101000001_broken']);
    const failed = rows[1];
    expect(failed?.finished_at).toBeNull();
    expect(failed?.rolled_back_at).toBeNull();
    expect(failed?.applied_steps_count).toBe(0);
    expect(failed?.logs).toMatch(/missing_table/);

    // Every later run refuses, naming the migration and the way out.
    const refusal = migrateDatabase(url, { migrationsDir: dir });
    await expect(refusal).rejects.toThrow(/P3009/);
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(/20240101000001_broken.*rolled_back_at/s);
    expect(await tableExists(url, 'later_table')).toBe(false);

    // The documented fix works: correct the file, mark the attempt rolled back, run again.
    await writeFile(path.join(dir, '20240101000001_broken', 'migration.sql'), 'CREATE TABLE broken_table (id int PRIMARY KEY);\n');
    await query(
      url,
      `UPDATE "_prisma_migrations" SET rolled_back_at = now()
        WHERE migration_name = '20240101000001_broken' AND finished_at IS NULL AND rolled_back_at IS NULL`,
    );
    expect(await migrateDatabase(url, { migrationsDir: dir })).toEqual({
      applied: ['20240101000001_broken', '20240101000002_later'],
    });
    expect(await tableExists(url, 'broken_table')).toBe(true);
    expect(await tableExists(url, 'later_table')).toBe(true);
  });

  it('warns about an applied migration whose file changed, without failing or re-applying it', async () => {
    const url = await freshDatabase();
    const dir = await tempMigrations({ '20240101000000_first': 'CREATE TABLE first_table (id int PRIMARY KEY);\n' });
    await migrateDatabase(url, { migrationsDir: dir });
    await writeFile(path.join(dir, '20240101000000_first', 'migration.sql'), 'CREATE TABLE first_table (id bigint PRIMARY KEY);\n');

    const messages: string[] = [];
    expect(await migrateDatabase(url, { migrationsDir: dir, log: (message) => messages.push(message) })).toEqual({ applied: [] });
    expect(messages.some((message) => /warning: .*20240101000000_first.*checksum/.test(message))).toBe(true);
  });
});
