import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { migrateDatabase } from '../../services/db/migrate.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../services/db/embedded.ts';
import { isProcessAlive } from '../../services/db/embedded-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL (any database) the tests may create databases on. */
    serverUrl: string;
    /** A migrated database (with the pg-boss schema) that each test file clones. */
    templateDatabase: string;
  }
}

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));

/**
 * Migrates one template database per test run (graphile-worker's approach); each test
 * file then clones it with CREATE DATABASE ... TEMPLATE. Uses DATABASE_URL when set,
 * otherwise an embedded PostgreSQL under .operate-hub/test-server.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | undefined;
   
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embedded = await startEmbeddedDatabase({ projectDir: path.join(root, '.operate-hub', 'test-server'), log: () => undefined, databaseName: 'postgres' });
    serverUrl = embedded.url;
  }
  const templateDatabase = `oh_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await dropStaleDatabases(admin);
  await admin.query(`CREATE DATABASE ${templateDatabase}`);
  const templateUrl = withDatabase(serverUrl, templateDatabase);
  await migrateDatabase(templateUrl);
  const boss = new PgBoss({ connectionString: templateUrl, supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false });
  project.provide('serverUrl', serverUrl);
  project.provide('templateDatabase', templateDatabase);
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
  };
}

/** Databases left by an interrupted earlier run (their pid is gone). */
async function dropStaleDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname ~ '^oh_(template|test)_'`);
  for (const { datname } of rows) {
    const pid = Number(/_(\d+)(_|$)/.exec(datname)?.[1]);
    if (!Number.isFinite(pid) || !isProcessAlive(pid)) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
}


export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
