import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgBoss } from 'pg-boss';
import { parseConfig, type Config } from '../services/config.ts';
import { createLogger, type Logger } from '../services/logger.ts';
import { createPrisma, type Db } from '../services/db/client.ts';
import { migrateDatabase } from '../services/db/migrate.ts';
import { startEmbeddedDatabase, ensureLocalSecretKey, type EmbeddedDatabase } from '../services/db/embedded.ts';
import { createBoss } from '../services/queue.ts';
import { ensureQueues } from '../services/runs/queues.ts';
import type { SecretKeyring } from '../services/secrets.ts';
import { createMetrics, type Metrics } from '../services/metrics.ts';
import { createMicrosoftServices, type MicrosoftServices } from '../services/microsoft/services.ts';

export const projectDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Everything one process needs, built once from the validated config. */
export interface AppContext {
  config: Config;
  logger: Logger;
  databaseUrl: string;
  db: Db;
  keyring: SecretKeyring;
  metrics: Metrics;
  /** Entra ID + Graph: the transport (real hosts or MICROSOFT_SIMULATOR_URL) and token caches. */
  microsoft: MicrosoftServices;
  /** pg-boss, started on first use (read-only commands never start it). */
  boss(): Promise<PgBoss>;
  close(): Promise<void>;
}

export interface OpenOptions {
  env: Record<string, string | undefined>;
  /** Logs at info to stderr; CLI one-shots stay quiet unless LOG_LEVEL says otherwise. */
  quiet?: boolean;
}

/** The composition root of every operate-hub process. */
export async function openApp(options: OpenOptions): Promise<AppContext> {
  const config = parseConfig(options.env);
  const level = options.quiet && !options.env.LOG_LEVEL ? 'warn' : config.LOG_LEVEL;
  const logger = createLogger(level);
  const say = (message: string) => logger.info(message);
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedDatabase({ projectDir: config.OPERATE_HUB_HOME ?? projectDir, log: say });
    databaseUrl = embedded.url;
  }
  const current = config.OPERATE_HUB_SECRET_KEY ?? (await ensureLocalSecretKey({ projectDir: config.OPERATE_HUB_HOME ?? projectDir, log: say }));
  const { applied } = await migrateDatabase(databaseUrl, { log: (m) => logger.debug(m) }).catch((error: unknown) => {
    throw databaseUnreachable(error, databaseUrl, Boolean(embedded));
  });
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  const db = createPrisma(databaseUrl);
  let bossPromise: Promise<PgBoss> | undefined;
  const url = databaseUrl;
  return {
    config,
    logger,
    databaseUrl: url,
    db,
    keyring: { current, previous: config.OPERATE_HUB_PREVIOUS_KEYS },
    metrics: createMetrics(),
    microsoft: createMicrosoftServices(config),
    boss: () => {
      bossPromise ??= (async () => {
        const boss = createBoss(url, logger);
        await boss.start();
        await ensureQueues(boss);
        return boss;
      })();
      return bossPromise;
    },
    close: async () => {
      if (bossPromise) await (await bossPromise).stop({ graceful: true, timeout: 10_000 });
      await db.$disconnect();
      await embedded?.stop();
    },
  };
}

/** A database that cannot be reached gets one actionable line, never the password. */
function databaseUnreachable(error: unknown, url: string, embedded: boolean): Error {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const reachability = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', '28P01', '28000', '3D000', '57P03'];
  if (!reachability.includes(code)) return error instanceof Error ? error : new Error(String(error));
  const target = new URL(url);
  const where = `${target.hostname}:${target.port || '5432'}${target.pathname}`;
  const hint = embedded
    ? 'the embedded PostgreSQL did not accept connections; remove .operate-hub/embedded.json if no operate-hub process is running'
    : code === '28P01' || code === '28000' ? 'check the user and password in DATABASE_URL'
      : code === '3D000' ? 'create the database or fix its name in DATABASE_URL'
        : 'is PostgreSQL running and DATABASE_URL right?';
  return new Error(`cannot use the database at ${where} (${code}): ${hint}`);
}
