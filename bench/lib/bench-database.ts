import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateDatabase } from '../../services/db/migrate.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../services/db/embedded.ts';
import { isProcessAlive } from '../../services/db/embedded-process.ts';

export interface BenchDatabase {
  /** The migrated benchmark database. */
  url: string;
  name: string;
  /** Where it runs, for the report ("DATABASE_URL server" or "embedded PostgreSQL"). */
  server: string;
  /** Drops the database, stops an embedded server and removes its temp folder. */
  close(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A fresh migrated database `oh_bench_<pid>` on the DATABASE_URL server, or, without one, on
 * an embedded PostgreSQL whose data lives in a throwaway temp folder (so the benchmark runs
 * on a machine with no PostgreSQL installed and never touches the project's own data).
 */
export async function openBenchDatabase(options: { databaseUrl: string | undefined; log: (message: string) => void }): Promise<BenchDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let tempDir: string | undefined;
  let serverUrl = options.databaseUrl;
  if (!serverUrl) {
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'oh-bench-'));
    // As root the server runs as the postgres OS user, which must traverse this folder.
    await chmod(tempDir, 0o711);
    embedded = await startEmbeddedDatabase({ projectDir: tempDir, log: options.log, databaseName: 'postgres' });
    serverUrl = embedded.url;
  }
  const name = `oh_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const cleanup = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((error: unknown) => options.log(`could not drop ${name}: ${String(error)}`));
    await admin.end().catch(() => undefined);
    await embedded?.stop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
  try {
    await dropStaleBenchDatabases(admin);
    await admin.query(`CREATE DATABASE ${name}`);
    const url = withDatabase(serverUrl, name);
    await migrateDatabase(url);
    const { rows } = await admin.query<{ version: string }>(`SELECT current_setting('server_version') AS version`);
    const server = `${embedded ? 'embedded PostgreSQL' : 'DATABASE_URL server'} ${rows[0]?.version ?? '?'}`;
    return { url, name, server, close: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Databases left by an interrupted earlier run (their process is gone). */
async function dropStaleBenchDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname ~ '^oh_bench_[0-9]+$'`);
  for (const { datname } of rows) {
    const pid = Number(datname.slice('oh_bench_'.length));
    if (pid === process.pid || !isProcessAlive(pid)) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
}

