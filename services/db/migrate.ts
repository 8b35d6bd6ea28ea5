// Applies prisma/migrations/<timestamp>_<name>/migration.sql without Prisma's schema-engine
// binary (it cannot be downloaded here), keeping Prisma's own bookkeeping so `prisma migrate`
// and this migrator see each other's databases as up to date:
// - Prisma's advisory lock key, held for the whole run (concurrent callers serialize);
// - Prisma's `_prisma_migrations` table: checksum = sha256 hex of the file, a row inserted
//   when a migration starts, finished_at set when it succeeds, logs set when it fails;
// - a failed (unfinished, not rolled back) migration blocks every later run (Prisma's P3009).
// Each file runs as ONE simple-protocol query, which PostgreSQL executes as one implicit
// transaction; the UPDATE that marks the row finished is appended to that same query, so a
// migration and its "finished" mark commit together or not at all. Consequence: a file cannot
// hold statements that refuse to run in a transaction block (CREATE INDEX CONCURRENTLY, VACUUM...).
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const PRISMA_LOCK_KEY = 72707369;
const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

// Exactly the table the schema engine creates on PostgreSQL.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateOptions {
  log?: (message: string) => void;
  /** Folder holding the `<timestamp>_<name>/migration.sql` folders; default prisma/migrations. */
  migrationsDir?: string;
}

interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  logs: string | null;
}

async function readMigrations(dir: string): Promise<LocalMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new Error(`Migrations folder not found: ${dir}`);
    throw error;
  });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const migrations: LocalMigration[] = [];
  for (const name of names) {
    const file = path.join(dir, name, 'migration.sql');
    const sql = await readFile(file, 'utf8').catch(() => {
      throw new Error(`Migration folder ${name} has no readable migration.sql (${file})`);
    });
    migrations.push({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

function resolveHint(name: string): string {
  return (
    `To fix: correct the migration, then mark the failed attempt rolled back with ` +
    `\`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${name}' ` +
    `AND finished_at IS NULL AND rolled_back_at IS NULL;\` (what \`prisma migrate resolve --rolled-back ${name}\` ` +
    `does) and run the migrations again. See https://pris.ly/d/migrate-resolve`
  );
}

function failedMigrationError(row: MigrationRow): Error {
  return new Error(
    `P3009: migrate found failed migrations in the target database, new migrations will not be applied. ` +
      `The \`${row.migration_name}\` migration started at ${row.started_at.toISOString()} failed` +
      (row.logs ? `:\n${row.logs}\n` : '.\n') +
      `Its changes were rolled back (each migration runs in one transaction). ${resolveHint(row.migration_name)}`,
  );
}

export async function migrateDatabase(
  connectionString: string,
  options: MigrateOptions = {},
): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => {});
  const local = await readMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const client = new pg.Client({ connectionString });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query(`SELECT pg_advisory_lock(${PRISMA_LOCK_KEY})`);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<MigrationRow>(
        `SELECT migration_name, checksum, started_at, finished_at, logs FROM "_prisma_migrations"
          WHERE rolled_back_at IS NULL ORDER BY started_at`,
      );
      const failed = rows.find((row) => row.finished_at === null);
      if (failed) throw failedMigrationError(failed);

      const done = new Map(rows.map((row) => [row.migration_name, row.checksum]));
      const localNames = new Set(local.map((migration) => migration.name));
      for (const name of done.keys()) {
        if (!localNames.has(name)) log(`warning: migration ${name} is applied to the database but missing from the migrations folder`);
      }
      for (const migration of local) {
        const checksum = done.get(migration.name);
        if (checksum !== undefined) {
          if (checksum !== migration.checksum) {
            log(`warning: migration ${migration.name} was modified after it was applied (checksum differs); not re-applied`);
          }
          continue;
        }
        log(`Applying migration ${migration.name}`);
        const id = randomUUID();
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 0)`,
          [id, migration.checksum, migration.name],
        );
        try {
          // No parameters: pg uses the simple protocol, so the whole text is one implicit transaction.
          await client.query(
            `${migration.sql}\n;\nUPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = '${id}'`,
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          await client.query('ROLLBACK').catch(() => {}); // only matters if the file opened its own BEGIN
          // If even this fails (connection lost), the row still has finished_at NULL: still P3009.
          await client.query(`UPDATE "_prisma_migrations" SET logs = $1 WHERE id = $2`, [message, id]).catch(() => {});
          throw new Error(
            `Migration ${migration.name} failed and was rolled back: ${message}. It is recorded as failed ` +
              `(P3009): later runs refuse to continue until it is resolved. ${resolveHint(migration.name)}`,
            { cause: error },
          );
        }
        applied.push(migration.name);
      }
      log(applied.length === 0 ? 'No pending migrations' : `Applied ${applied.length} migration(s)`);
      return { applied };
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${PRISMA_LOCK_KEY})`).catch(() => {});
    }
  } finally {
    await client.end();
  }
}
