import { PgBoss } from 'pg-boss';
import type { Logger } from './logger.ts';

/** pg-boss with LISTEN/NOTIFY so an idle worker picks a job up as soon as it commits. */
export function createBoss(connectionString: string, logger: Logger, options?: { max?: number; supervise?: boolean }): PgBoss {
  const boss = new PgBoss({
    connectionString,
    max: options?.max ?? 5,
    useListenNotify: true,
    supervise: options?.supervise ?? true,
    schedule: false,
    // Expired jobs (a killed worker) are failed or retried on the supervise pass, so this
    // bounds how long past its expiry a lost run stays active.
    superviseIntervalSeconds: 10,
    monitorIntervalSeconds: 10,
    application_name: 'operate-hub',
  });
  boss.on('error', (error) => logger.error({ err: error }, 'pg-boss error'));
  return boss;
}
