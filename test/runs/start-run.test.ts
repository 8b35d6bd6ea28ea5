import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import { startRun } from '../../services/runs/start-run.ts';
import { AppError } from '../../services/errors.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { countJobs, seedConnection, seedMember, seedSchedule, seedTenant, startTestBoss, useTestDatabaseAndBoss } from '../helpers/fixtures.ts';
import { createMetrics } from '../../services/metrics.ts';

// No worker consumes in this file: runs stay queued, so identity conflicts are deterministic.
let t: TestDatabase;
let boss: PgBoss;

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

async function tenantWithConnection() {
  const tenant = await seedTenant(t.db);
  const connection = await seedConnection(t.db, tenant.id, tenant.entraTenantId);
  const operator = await seedMember(t.db, tenant.id, 'operator');
  return { tenant, connection, operator };
}

const deps = () => ({ db: t.db, boss });

describe('startRun identity', () => {
  it('100 concurrent inventory.sync starts for one tenant create 1 row and 1 job, 99 deduplicated; a finished run frees the identity', async () => {
    const { tenant, operator } = await tenantWithConnection();
    const metrics = createMetrics();
    const results = await Promise.all(Array.from({ length: 100 }, () =>
      startRun({ ...deps(), metrics }, { tenantId: tenant.id, type: 'inventory.sync', actor: { kind: 'member', memberId: operator.id }, source: 'cli', deliveryId: randomUUID() })));
    const ids = new Set(results.map((r) => r.run.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.deduplicated)).toHaveLength(99);
    const runId = [...ids][0] ?? '';
    expect(await t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await countJobs(t.db, runId)).toBe(1);
    expect((await metrics.runsDeduplicated.get()).values[0]?.value).toBe(99);

    await t.db.operationRun.update({ where: { id: runId }, data: { status: 'succeeded', finishedAt: new Date() } });
    const next = await startRun(deps(), { tenantId: tenant.id, type: 'inventory.sync', actor: { kind: 'member', memberId: operator.id }, source: 'cli', deliveryId: randomUUID() });
    expect(next.deduplicated).toBe(false);
    expect(next.run.id).not.toBe(runId);
  });

  it('100 run_now starts with 100 delivery ids create 100 runs; one delivery id twice (also after it finished) creates 1', async () => {
    const { tenant, operator } = await tenantWithConnection();
    const schedule = await seedSchedule(t.db, tenant.id);
    const actor = { kind: 'member', memberId: operator.id } as const;
    const results = await Promise.all(Array.from({ length: 100 }, () =>
      startRun(deps(), { tenantId: tenant.id, type: 'backup_schedule.run_now', input: { scheduleId: schedule.id }, actor, source: 'teams', deliveryId: randomUUID() })));
    expect(new Set(results.map((r) => r.run.id)).size).toBe(100);
    expect(results.every((r) => !r.deduplicated)).toBe(true);

    const deliveryId = randomUUID();
    const first = await startRun(deps(), { tenantId: tenant.id, type: 'backup_schedule.run_now', input: { scheduleId: schedule.id }, actor, source: 'teams', deliveryId });
    await t.db.operationRun.update({ where: { id: first.run.id }, data: { status: 'failed', finishedAt: new Date() } });
    const again = await startRun(deps(), { tenantId: tenant.id, type: 'backup_schedule.run_now', input: { scheduleId: schedule.id }, actor, source: 'teams', deliveryId });
    expect(again.deduplicated).toBe(true);
    expect(again.run.id).toBe(first.run.id);
    expect(await t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(101);
  });

  it('the same (schedule, slot) started twice, also after the first finished, is one run ever', async () => {
    const { tenant } = await tenantWithConnection();
    const schedule = await seedSchedule(t.db, tenant.id);
    const slot = { scheduleId: schedule.id, scheduledFor: '2026-11-27T02:00:00.000Z' };
    const system = { kind: 'system', name: 'scheduler' } as const;
    const [a, b] = await Promise.all([
      startRun(deps(), { tenantId: tenant.id, type: 'backup_schedule.scheduled', input: slot, actor: system, source: 'schedule', deliveryId: randomUUID() }),
      startRun(deps(), { tenantId: tenant.id, type: 'backup_schedule.scheduled', input: slot, actor: system, source: 'schedule', deliveryId: randomUUID() }),
    ]);
    expect(a.run.id).toBe(b.run.id);
    await t.db.operationRun.update({ where: { id: a.run.id }, data: { status: 'succeeded', finishedAt: new Date() } });
    const later = await startRun(deps(), { tenantId: tenant.id, type: 'backup_schedule.scheduled', input: { ...slot, scheduledFor: '2026-11-27T02:00:00Z' }, actor: system, source: 'schedule', deliveryId: randomUUID() });
    expect(later).toMatchObject({ deduplicated: true, run: { id: a.run.id } });
  });

  it('a member cannot start a system-only scheduled run', async () => {
    const { tenant } = await tenantWithConnection();
    const owner = await seedMember(t.db, tenant.id, 'owner');
    const schedule = await seedSchedule(t.db, tenant.id);
    await expect(startRun(deps(), {
      tenantId: tenant.id, type: 'backup_schedule.scheduled', input: { scheduleId: schedule.id, scheduledFor: new Date().toISOString() },
      actor: { kind: 'member', memberId: owner.id }, source: 'teams', deliveryId: randomUUID(),
    })).rejects.toMatchObject({ code: 'not_authorized' });
  });

  it('a redelivered chat delivery id returns the first run, flagged redelivered, whatever the scope', async () => {
    const { tenant, operator } = await tenantWithConnection();
    const schedule = await seedSchedule(t.db, tenant.id);
    const request = {
      tenantId: tenant.id, type: 'backup_schedule.run_now', input: { scheduleId: schedule.id }, actor: { kind: 'member', memberId: operator.id } as const,
      source: 'slack' as const, deliveryId: `trigger-${randomUUID()}`, deliveryPlatform: 'slack' as const,
    };
    const [one, two] = await Promise.all([startRun(deps(), request), startRun(deps(), request)]);
    expect(one.run.id).toBe(two.run.id);
    expect([one.redelivered, two.redelivered].sort()).toEqual([false, true]);
    expect(await t.db.inboundDelivery.count({ where: { deliveryId: request.deliveryId } })).toBe(1);
  });

  it('50 concurrent chat starts of one sync: 1 run; every delivery is recorded against it, and each redelivery is recognised', async () => {
    const { tenant, operator } = await tenantWithConnection();
    const request = (deliveryId: string) => ({
      tenantId: tenant.id, type: 'inventory.sync', actor: { kind: 'member', memberId: operator.id } as const,
      source: 'slack' as const, deliveryId, deliveryPlatform: 'slack' as const,
    });
    const deliveries = Array.from({ length: 50 }, () => `trigger-${randomUUID()}`);
    const first = await Promise.all(deliveries.map((d) => startRun(deps(), request(d))));
    const runIds = new Set(first.map((r) => r.run.id));
    expect(runIds.size).toBe(1);
    expect(first.filter((r) => !r.deduplicated)).toHaveLength(1);
    expect(first.every((r) => !r.redelivered)).toBe(true);
    const recorded = await t.db.inboundDelivery.findMany({ where: { deliveryId: { in: deliveries } } });
    expect(recorded).toHaveLength(50);
    expect(new Set(recorded.map((d) => d.runId))).toEqual(runIds);

    const again = await Promise.all(deliveries.slice(0, 10).map((d) => startRun(deps(), request(d))));
    expect(again.every((r) => r.redelivered && runIds.has(r.run.id))).toBe(true);
    expect(await t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(1);
  });
});

describe('startRun atomicity', () => {
  it('an enqueue failure leaves no row', async () => {
    const { tenant, operator } = await tenantWithConnection();
    await boss.deleteQueue('operation.directory_groups.sync');
    try {
      await expect(startRun(deps(), { tenantId: tenant.id, type: 'directory_groups.sync', actor: { kind: 'member', memberId: operator.id }, source: 'cli', deliveryId: randomUUID() }))
        .rejects.toThrow();
      expect(await t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(0);
    } finally {
      await startTestBoss(t.url).then((b) => b.stop({ graceful: false }));
    }
  });

  it('an insert failure leaves no job', async () => {
    const { tenant, operator } = await tenantWithConnection();
    // A constraint the run row violates (added for this test only) makes the insert fail.
    await t.db.$executeRawUnsafe(`ALTER TABLE operation_runs ADD CONSTRAINT test_reject_groups CHECK (type <> 'directory_groups.sync' OR tenant_id <> '${tenant.id}')`);
    try {
      const before = await countJobs(t.db);
      await expect(startRun(deps(), { tenantId: tenant.id, type: 'directory_groups.sync', actor: { kind: 'member', memberId: operator.id }, source: 'cli', deliveryId: randomUUID() }))
        .rejects.toThrow();
      expect(await countJobs(t.db)).toBe(before);
    } finally {
      await t.db.$executeRawUnsafe('ALTER TABLE operation_runs DROP CONSTRAINT test_reject_groups');
    }
  });

  it('a failed prerequisite (no connection) is a typed error with an audit event: no row, no job', async () => {
    const tenant = await seedTenant(t.db);
    const operator = await seedMember(t.db, tenant.id, 'operator');
    const before = await countJobs(t.db);
    const error = await startRun(deps(), { tenantId: tenant.id, type: 'inventory.sync', actor: { kind: 'member', memberId: operator.id }, source: 'cli', deliveryId: randomUUID() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('connection_missing');
    expect(await t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await countJobs(t.db)).toBe(before);
    expect(await t.db.auditEvent.count({ where: { tenantId: tenant.id, outcome: 'failed', action: 'run.start.inventory.sync' } })).toBe(1);
  });

  it('a blocked default connection refuses syncs with connection_blocked', async () => {
    const { tenant, connection, operator } = await tenantWithConnection();
    await t.db.providerConnection.update({ where: { id: connection.id }, data: { status: 'blocked' } });
    await expect(startRun(deps(), { tenantId: tenant.id, type: 'directory_groups.sync', actor: { kind: 'member', memberId: operator.id }, source: 'cli', deliveryId: randomUUID() }))
      .rejects.toMatchObject({ code: 'connection_blocked' });
  });

  it('an id from another tenant is not_found; a malformed input is invalid_input; an unknown type lists the known ones', async () => {
    const { tenant, operator } = await tenantWithConnection();
    const other = await tenantWithConnection();
    const foreign = await seedSchedule(t.db, other.tenant.id);
    const actor = { kind: 'member', memberId: operator.id } as const;
    await expect(startRun(deps(), { tenantId: tenant.id, type: 'backup_schedule.run_now', input: { scheduleId: foreign.id }, actor, source: 'cli', deliveryId: randomUUID() }))
      .rejects.toMatchObject({ code: 'not_found' });
    await expect(startRun(deps(), { tenantId: tenant.id, type: 'backup_schedule.run_now', input: { scheduleId: 'nope' }, actor, source: 'cli', deliveryId: randomUUID() }))
      .rejects.toMatchObject({ code: 'invalid_input' });
    await expect(startRun(deps(), { tenantId: tenant.id, type: 'inventory.explode', actor, source: 'cli', deliveryId: randomUUID() }))
      .rejects.toThrow(/Known types: provider_connection.verify/);
    expect(await t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});

describe('startRun authorization', () => {
  it('a readonly member gets a typed denial and an audit event, and no row', async () => {
    const { tenant } = await tenantWithConnection();
    const reader = await seedMember(t.db, tenant.id, 'readonly');
    const metrics = createMetrics();
    await expect(startRun({ ...deps(), metrics }, { tenantId: tenant.id, type: 'inventory.sync', actor: { kind: 'member', memberId: reader.id }, source: 'teams', deliveryId: randomUUID() }))
      .rejects.toMatchObject({ code: 'not_authorized' });
    expect(await t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect((await metrics.runsDenied.get()).values).toEqual([expect.objectContaining({ value: 1, labels: { type: 'inventory.sync' } })]);
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { tenantId: tenant.id, outcome: 'denied' } });
    expect(audit).toMatchObject({ actor: reader.id, action: 'run.start.inventory.sync' });
  });

  it('a member demoted between two starts is refused on the second', async () => {
    const { tenant, operator } = await tenantWithConnection();
    const actor = { kind: 'member', memberId: operator.id } as const;
    await startRun(deps(), { tenantId: tenant.id, type: 'inventory.sync', actor, source: 'slack', deliveryId: randomUUID() });
    await t.db.tenantMember.update({ where: { id: operator.id }, data: { role: 'readonly' } });
    await expect(startRun(deps(), { tenantId: tenant.id, type: 'directory_groups.sync', actor, source: 'slack', deliveryId: randomUUID() }))
      .rejects.toMatchObject({ code: 'not_authorized' });
  });

  it('a member of another tenant cannot start runs here; restore.execute needs a manager', async () => {
    const { tenant, operator } = await tenantWithConnection();
    const other = await tenantWithConnection();
    await expect(startRun(deps(), { tenantId: other.tenant.id, type: 'inventory.sync', actor: { kind: 'member', memberId: operator.id }, source: 'teams', deliveryId: randomUUID() }))
      .rejects.toMatchObject({ code: 'not_authorized' });
    await expect(startRun(deps(), { tenantId: tenant.id, type: 'restore.execute', input: { restoreRunId: randomUUID() }, actor: { kind: 'member', memberId: operator.id }, source: 'teams', deliveryId: randomUUID() }))
      .rejects.toMatchObject({ code: 'not_authorized' });
  });
});
