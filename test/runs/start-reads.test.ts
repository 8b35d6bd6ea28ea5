import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import type { PgBoss } from 'pg-boss';
import { PrismaClient, type Db } from '../../services/db/client.ts';
import { jsonRow } from '../../services/db/json-rows.ts';
import { createStartReads } from '../../services/runs/start-reads.ts';
import { startRun } from '../../services/runs/start-run.ts';
import { createMetrics } from '../../services/metrics.ts';
import { resolveChatContext } from '../../services/chat/caller.ts';
import { bindChannel } from '../../services/admin/bindings.ts';
import { withDatabase, type TestDatabase } from '../helpers/database.ts';
import { seedConnection, seedMember, seedSchedule, seedTenant, useTestDatabaseAndBoss } from '../helpers/fixtures.ts';

// No worker consumes in this file: runs stay queued, so a repeat start always finds its run active.
let t: TestDatabase;
let boss: PgBoss;
let counted: { db: Db; statements: string[]; close(): Promise<void> };

/** A Prisma client on its own pool that records the SQL of every round trip. */
function countingPrisma(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const statements: string[] = [];
  pool.on('connect', (client) => {
    const target = client as unknown as { query: (...args: unknown[]) => unknown };
    const original = target.query.bind(client);
    target.query = (...args: unknown[]) => {
      const first = args[0];
      statements.push((typeof first === 'string' ? first : (first as { text?: string }).text ?? '?').replace(/\s+/g, ' ').trim());
      return original(...args);
    };
  });
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return { db, statements, close: async () => { await db.$disconnect(); await pool.end(); } };
}

async function roundTrips(call: () => Promise<unknown>): Promise<string[]> {
  counted.statements.length = 0;
  await call();
  return counted.statements.map((sql) => (/^(BEGIN|COMMIT|ROLLBACK)/.test(sql) ? sql : sql.slice(0, 60)));
}

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
  counted = countingPrisma(t.url);
});
afterAll(() => counted.close());

async function seeded() {
  const tenant = await seedTenant(t.db);
  const connection = await seedConnection(t.db, tenant.id, tenant.entraTenantId);
  const operator = await seedMember(t.db, tenant.id, 'operator', 'slack');
  const schedule = await seedSchedule(t.db, tenant.id);
  return { tenant, connection, operator, schedule };
}

describe('rows read as JSON', () => {
  it('map to exactly what Prisma returns for the same row, for every model the batched reads use', async () => {
    const { tenant, connection, operator, schedule } = await seeded();
    await t.db.providerConnection.update({ where: { id: connection.id }, data: { lastVerifiedAt: new Date(), displayName: 'Main app' } });
    const run = await t.db.operationRun.create({
      data: {
        id: randomUUID(), tenantId: tenant.id, type: 'inventory.sync', status: 'failed', identityScope: 'active', identityHash: 'h', identityInputs: { tenant_id: tenant.id },
        context: { trigger: { source: 'cli', actor: 'system' } }, summary: { items: 3 }, failures: [{ reason_code: 'internal_error', message: 'm', blocking: true }],
        attempt: 2, startedAt: new Date(), finishedAt: new Date(),
      },
    });
    const set = await t.db.backupSet.create({ data: { tenantId: tenant.id, families: ['deviceConfigurations'], itemCount: 4, detail: { a: 1 } } });
    const json = async (table: string, id: string) =>
      (await t.db.$queryRawUnsafe<{ j: unknown }[]>(`SELECT to_jsonb(x) AS j FROM ${table} x WHERE x.id = $1::uuid`, id))[0]?.j;

    expect(jsonRow.tenant(await json('tenants', tenant.id))).toEqual(await t.db.tenant.findUnique({ where: { id: tenant.id } }));
    expect(jsonRow.member(await json('tenant_members', operator.id))).toEqual(await t.db.tenantMember.findUnique({ where: { id: operator.id } }));
    expect(jsonRow.connection(await json('provider_connections', connection.id))).toEqual(await t.db.providerConnection.findUnique({ where: { id: connection.id } }));
    expect(jsonRow.schedule(await json('backup_schedules', schedule.id))).toEqual(await t.db.backupSchedule.findUnique({ where: { id: schedule.id } }));
    expect(jsonRow.run(await json('operation_runs', run.id))).toEqual(await t.db.operationRun.findUnique({ where: { id: run.id } }));
    expect(jsonRow.backupSet(await json('backup_sets', set.id))).toEqual(await t.db.backupSet.findUnique({ where: { id: set.id } }));
    expect(() => jsonRow.tenant(null)).toThrow(/JSON row object/);
  });
});

describe('startRun reads', () => {
  it('reads requested together travel as one statement; a read after an await is the next one', async () => {
    const { tenant, operator, schedule } = await seeded();
    const reads = createStartReads(counted.db, tenant.id);
    let member: unknown;
    const sent = await roundTrips(async () => {
      const [m, s, c] = await Promise.all([reads.member(operator.id), reads.schedule(schedule.id), reads.defaultConnection()]);
      member = m;
      expect(s?.name).toBe('nightly');
      expect(c?.tenantId).toBe(tenant.id);
      expect(await reads.tenant()).toMatchObject({ id: tenant.id, name: tenant.name });
    });
    expect(member).toMatchObject({ id: operator.id, role: 'operator' });
    expect(sent).toHaveLength(2);
  });

  it('are scoped to the tenant; a malformed id reads nothing and does not fail the others', async () => {
    const mine = await seeded();
    const other = await seeded();
    const reads = createStartReads(counted.db, mine.tenant.id);
    const sent = await roundTrips(async () => {
      const [schedule, connection, garbage, own] = await Promise.all([
        reads.schedule(other.schedule.id), reads.connection(other.connection.id), reads.run("x' OR 1=1 --"), reads.schedule(mine.schedule.id),
      ]);
      expect([schedule, connection, garbage]).toEqual([null, null, null]);
      expect(own?.id).toBe(mine.schedule.id);
    });
    expect(sent).toHaveLength(1);
  });

  it('a database that cannot be reached rejects every read of the batch', async () => {
    const gone = countingPrisma(withDatabase(t.url, `oh_missing_${randomUUID().slice(0, 8)}`));
    try {
      const reads = createStartReads(gone.db, randomUUID());
      const results = await Promise.allSettled([reads.tenant(), reads.defaultConnection()]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      // startRun passes the failure on; it is not counted as a denial.
      const metrics = createMetrics();
      await expect(startRun({ db: gone.db, boss, metrics }, {
        tenantId: randomUUID(), type: 'inventory.sync', actor: { kind: 'member', memberId: randomUUID() }, source: 'cli', deliveryId: randomUUID(),
      })).rejects.toThrow(/oh_missing_/);
      expect((await metrics.runsDenied.get()).values).toEqual([]);
    } finally {
      await gone.close();
    }
  });
});

describe('startRun round trips', () => {
  it('a new run: one read, then BEGIN, one write, the job, COMMIT', async () => {
    const { tenant, operator, schedule } = await seeded();
    const sent = await roundTrips(() => startRun({ db: counted.db, boss }, {
      tenantId: tenant.id, type: 'backup_schedule.run_now', input: { scheduleId: schedule.id }, actor: { kind: 'member', memberId: operator.id },
      source: 'slack', deliveryId: randomUUID(), deliveryPlatform: 'slack',
    }));
    expect(sent).toHaveLength(5);
    expect(sent[0]).toMatch(/^SELECT/);
    expect(sent[1]).toBe('BEGIN');
    expect(sent[4]).toBe('COMMIT');
  });

  it('a repeat of an active identity returns that run and where it is shown, without a transaction; its chat delivery is still recorded once', async () => {
    const { tenant, operator } = await seeded();
    const start = (deliveryId: string, chat: boolean) => startRun({ db: counted.db, boss }, {
      tenantId: tenant.id, type: 'inventory.sync', actor: { kind: 'member', memberId: operator.id },
      source: chat ? 'slack' : 'cli', deliveryId, ...(chat ? { deliveryPlatform: 'slack' as const } : {}),
    });
    const first = await start(randomUUID(), true);
    expect(first.messages).toEqual([]);
    await t.db.runMessage.create({ data: { runId: first.run.id, platform: 'slack', channelId: 'C0001', messageId: '1700000000.000100', conversation: {} } });
    const delivery = randomUUID();
    let repeat: Awaited<ReturnType<typeof start>> | undefined;
    const chatTrips = await roundTrips(async () => { repeat = await start(delivery, true); });
    expect(repeat).toMatchObject({ deduplicated: true, redelivered: false, run: { id: first.run.id, status: 'queued' } });
    expect(repeat?.messages).toEqual([{ platform: 'slack', channelId: 'C0001', messageId: '1700000000.000100' }]);
    expect(chatTrips).toHaveLength(2);
    expect(chatTrips[1]).toMatch(/INSERT INTO inbound_deliveries/);
    expect(chatTrips.some((sql) => sql.startsWith('BEGIN'))).toBe(false);
    expect(await t.db.inboundDelivery.findFirst({ where: { platform: 'slack', deliveryId: delivery } })).toMatchObject({ runId: first.run.id });

    const cliTrips = await roundTrips(() => start(randomUUID(), false));
    expect(cliTrips).toHaveLength(1);

    const again = await start(delivery, true);
    expect(again).toMatchObject({ deduplicated: true, redelivered: true, run: { id: first.run.id } });
    expect(await t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(1);
  });

  it('a chat request resolves its member and tenant in one statement', async () => {
    const { tenant, operator } = await seeded();
    await bindChannel(t.db, { tenantId: tenant.id, platform: 'slack', channelId: 'CROUND01', teamId: 'T0001' });
    let resolved: Awaited<ReturnType<typeof resolveChatContext>> | undefined;
    const sent = await roundTrips(async () => {
      resolved = await resolveChatContext(counted.db, { platform: 'slack', userId: operator.platformUserId, teamId: 'T0001' }, { channelId: 'CROUND01', personal: false });
    });
    expect(sent).toHaveLength(1);
    expect(resolved?.tenant).toEqual(await t.db.tenant.findUnique({ where: { id: tenant.id } }));
    expect(resolved?.member).toEqual(await t.db.tenantMember.findUnique({ where: { id: operator.id } }));
  });
});
