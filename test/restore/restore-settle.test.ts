import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import { cancelRun } from '../../services/runs/cancel-run.ts';
import { failure } from '../../services/reason-codes.ts';
import { failActiveRun, finishRun } from '../../worker/run-state.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { seedTenant, useTestDatabaseAndBoss } from '../helpers/fixtures.ts';

// Restore plans whose operation run ends outside its handler's own finish.
let t: TestDatabase;
let boss: PgBoss;
useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

/** A running restore run (attempt 1) and its plan in the state its handler left it mid-way. */
async function restoreMidWay(type: 'restore.preview' | 'restore.execute') {
  const tenant = await seedTenant(t.db);
  const set = await t.db.backupSet.create({ data: { tenantId: tenant.id, families: ['deviceConfigurations'] } });
  const run = await t.db.operationRun.create({
    data: {
      id: randomUUID(), tenantId: tenant.id, type, status: 'running', identityScope: type === 'restore.execute' ? 'strict' : 'active', identityHash: randomUUID(),
      identityInputs: {}, context: { trigger: { source: 'cli', actor: 'system' } }, attempt: 1, startedAt: new Date(),
    },
  });
  const plan = await t.db.restoreRun.create({
    data: type === 'restore.preview'
      ? { tenantId: tenant.id, backupSetId: set.id, previewRunId: run.id, status: 'previewing' }
      : { tenantId: tenant.id, backupSetId: set.id, previewRunId: randomUUID(), executeRunId: run.id, status: 'executing', previewedAt: new Date(), results: [{ item: 'one', outcome: 'updated' }] },
  });
  const planNow = () => t.db.restoreRun.findUniqueOrThrow({ where: { id: plan.id } });
  return { run, plan, planNow };
}

describe('a restore plan whose run ends outside its handler', () => {
  it('is failed when the reaper fails its run (the worker died mid-preview)', async () => {
    const { run, planNow } = await restoreMidWay('restore.preview');
    expect(await failActiveRun(t.db, run.id, [failure('worker_lost', 'The worker running it was lost.')])).toBe(true);
    expect(await planNow()).toMatchObject({ status: 'failed' });
  });

  it('is failed when its execution is cancelled, keeping the per-item results written so far', async () => {
    const { run, planNow } = await restoreMidWay('restore.execute');
    await cancelRun({ db: t.db, boss }, { runId: run.id, actor: { kind: 'system', name: 'cli' } });
    expect(await planNow()).toMatchObject({ status: 'failed', results: [{ item: 'one', outcome: 'updated' }] });
  });

  it('is failed when the run times out, and left alone when the handler settled it itself', async () => {
    const timedOut = await restoreMidWay('restore.execute');
    expect(await finishRun(t.db, timedOut.run.id, 1, { status: 'failed', failures: [failure('operation_timeout', 'Too slow.')] })).toBe(true);
    expect(await timedOut.planNow()).toMatchObject({ status: 'failed' });

    const previewed = await restoreMidWay('restore.preview');
    expect(await finishRun(t.db, previewed.run.id, 1, {
      status: 'succeeded', commit: async (tx) => { await tx.restoreRun.update({ where: { id: previewed.plan.id }, data: { status: 'previewed', previewedAt: new Date() } }); },
    })).toBe(true);
    expect(await previewed.planNow()).toMatchObject({ status: 'previewed' });
  });

  it('is untouched by a finish that is no longer the handler\'s (the run was cancelled first)', async () => {
    const { run, planNow } = await restoreMidWay('restore.preview');
    await cancelRun({ db: t.db, boss }, { runId: run.id, actor: { kind: 'system', name: 'cli' } });
    const late = await finishRun(t.db, run.id, 1, {
      status: 'succeeded', commit: async (tx) => { await tx.restoreRun.updateMany({ where: { previewRunId: run.id }, data: { status: 'previewed' } }); },
    });
    expect(late).toBe(false);
    expect(await planNow()).toMatchObject({ status: 'failed' });
  });
});
