import { randomUUID } from 'node:crypto';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './database.ts';
import type { Db } from '../../services/db/client.ts';
import { createTenant } from '../../services/admin/tenants.ts';
import { upsertMember } from '../../services/admin/members.ts';
import { addConnection } from '../../services/admin/connections.ts';
import { ensureQueues } from '../../services/runs/queues.ts';
import { createLogger } from '../../services/logger.ts';
import { parseConfig } from '../../services/config.ts';
import type { Role } from '../../services/auth/roles.ts';

export const silentLogger = createLogger('silent');
export const testConfig = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });

/**
 * A test file's own database plus a started pg-boss with every operation queue (nothing
 * consumes its jobs), opened before the file's tests and closed after them.
 */
export function useTestDatabaseAndBoss(opened: (handles: { t: TestDatabase; boss: PgBoss }) => void, overrides?: Parameters<typeof ensureQueues>[1]): void {
  let t: TestDatabase | undefined;
  let boss: PgBoss | undefined;
  beforeAll(async () => {
    t = await createTestDatabase();
    boss = await startTestBoss(t.url, overrides);
    opened({ t, boss });
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false });
    await t?.drop();
  });
}

/** A started pg-boss on the test database with every operation queue created. */
export async function startTestBoss(url: string, overrides?: Parameters<typeof ensureQueues>[1]): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url, max: 4, useListenNotify: true, schedule: false, supervise: true,
    superviseIntervalSeconds: 1, monitorIntervalSeconds: 1, maintenanceIntervalSeconds: 1, queueCacheIntervalSeconds: 1,
  });
  boss.on('error', () => undefined);
  await boss.start();
  await ensureQueues(boss, overrides, { update: true });
  return boss;
}

export async function seedTenant(db: Db, name = `Contoso ${randomUUID().slice(0, 6)}`) {
  return createTenant(db, { name, entraTenantId: randomUUID() });
}

export async function seedMember(db: Db, tenantId: string, role: Role, platform: 'teams' | 'slack' = 'teams') {
  return upsertMember(db, {
    tenantId, platform, userId: `user-${randomUUID()}`, role, ...(platform === 'slack' ? { teamId: 'T0001' } : {}),
  });
}

export async function seedConnection(db: Db, tenantId: string, entraTenantId: string) {
  return addConnection(db, { tenantId, clientId: randomUUID(), entraTenantId });
}

export async function seedSchedule(db: Db, tenantId: string, name = 'nightly') {
  return db.backupSchedule.create({
    data: { tenantId, name, cronExpression: '0 2 * * *', timeZone: 'UTC', families: ['deviceConfigurations'], retentionCount: 7, enabled: true },
  });
}

/** Polls a condition until it holds or the deadline passes (no bare sleeps in tests). */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, options?: { timeoutMs?: number; intervalMs?: number; what?: string }): Promise<T> {
  const deadline = Date.now() + (options?.timeoutMs ?? 15_000);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options?.what ?? 'condition'}`);
    await new Promise((resolve) => setTimeout(resolve, options?.intervalMs ?? 50));
  }
}

export async function countJobs(db: Db, runId?: string): Promise<number> {
  const rows = runId
    ? await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pgboss.job WHERE id = ${runId}::uuid`
    : await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pgboss.job WHERE name LIKE 'operation.%'`;
  return Number(rows[0]?.n ?? 0);
}
