import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { TestDatabase } from '../helpers/database.ts';
import { seedMember, useTestDatabaseAndBoss } from '../helpers/fixtures.ts';
import { runFailures } from '../../services/runs/run-types.ts';
import { itemResultSchema } from '../../services/restores/results.ts';
import type { RestoreExecuteView, RestorePreviewView } from '../../services/restores/views.ts';
import { intuneWriteLog, setIntuneWriteLimit } from '../../sim/microsoft/graph/intune-writes.ts';
import { startRestoreBed, types, type RestoreBed } from './restore-bed.ts';

let t: TestDatabase;
let boss: PgBoss;

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

/** Verified, backed up, then `change` applied to "Intune", synced and previewed. */
async function previewed(bed: RestoreBed, change: () => void): Promise<RestorePreviewView> {
  expect((await bed.verify()).status).toBe('succeeded');
  const set = await bed.backup();
  await bed.syncGroups();
  change();
  await bed.syncInventory();
  await bed.syncGroups();
  const run = await bed.preview(set.id);
  expect(run.status).toBe('succeeded');
  return run.result as unknown as RestorePreviewView;
}

async function executed(bed: RestoreBed, restoreRunId: string) {
  const { run } = await bed.execute(restoreRunId);
  const done = await bed.settle(run.id);
  const plan = await t.db.restoreRun.findUniqueOrThrow({ where: { id: restoreRunId } });
  return { run: done, view: done.result as unknown as RestoreExecuteView, results: itemResultSchema.array().parse(plan.results), plan };
}

function removeNamed(items: Record<string, unknown>[], name: string): void {
  items.splice(items.findIndex((i) => i.displayName === name), 1);
}

describe('restore.execute: exactly the previewed plan, each target re-read first', () => {
  it('create, update and assignments are written once each with an audit event per write; unchanged items are not touched', async () => {
    const bed = await startRestoreBed(t, boss);
    const preview = await previewed(bed, () => {
      removeNamed(bed.intune('deviceConfigurations'), 'Windows baseline');
      const compliance = bed.intune('deviceCompliancePolicies')[0];
      if (compliance) compliance.bitLockerEnabled = false;
    });
    expect(preview.counts).toMatchObject({ create: 1, update: 1 });
    const { run, view, results, plan } = await executed(bed, preview.restore_run_id);

    expect(run.status).toBe('succeeded');
    expect(plan).toMatchObject({ status: 'executed', executeRunId: run.id });
    expect(view.counts).toMatchObject({ created: 1, updated: 1, unchanged: 6, skipped: 1, failed: 0, conflict: 0 });
    const created = bed.intune('deviceConfigurations').filter((i) => i.displayName === 'Windows baseline');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ '@odata.type': types.windows, passwordRequired: true });
    expect((created[0]?.assignments as { target: { groupId: string } }[]).map((a) => a.target.groupId).sort()).toEqual([bed.ids.pilotGroup, bed.ids.windowsGroup].sort());
    expect(bed.intune('deviceCompliancePolicies')[0]).toMatchObject({ bitLockerEnabled: true });
    expect(intuneWriteLog(bed.sim.state).map((w) => `${w.family}.${w.action}`)).toEqual([
      'deviceCompliancePolicies.update', 'deviceCompliancePolicies.assign', 'deviceConfigurations.create', 'deviceConfigurations.assign',
    ]);
    const audits = await t.db.auditEvent.findMany({ where: { tenantId: bed.tenant.id, action: { startsWith: 'restore.' } }, orderBy: { createdAt: 'asc' } });
    expect(audits.map((a) => [a.action, a.outcome, a.actor])).toEqual(expect.arrayContaining([
      ['restore.create', 'succeeded', bed.manager.id], ['restore.assign', 'succeeded', bed.manager.id], ['restore.update', 'succeeded', bed.manager.id],
    ]));
    expect(audits).toHaveLength(4);
    expect(results.find((r) => r.display_name === 'Windows baseline')).toMatchObject({ outcome: 'created', target_graph_id: created[0]?.id, assignments_written: 2 });
  });

  it('same-name duplicates in the tenant: ambiguous, and nothing is written to either of them', async () => {
    const bed = await startRestoreBed(t, boss);
    const preview = await previewed(bed, () => {
      const ios = bed.intune('deviceConfigurations').find((i) => i.displayName === 'iOS baseline');
      if (ios) ios.passcodeRequired = false;
      bed.intune('deviceConfigurations').push({ id: randomUUID(), '@odata.type': types.ios, displayName: 'iOS baseline', passcodeRequired: false, assignments: [] });
    });
    expect(preview.attention).toEqual([expect.objectContaining({ class: 'ambiguous', display_name: 'iOS baseline', candidates: [expect.anything(), expect.anything()] })]);
    const twins = bed.intune('deviceConfigurations').filter((i) => i.displayName === 'iOS baseline').map((i) => i.id);
    const { results } = await executed(bed, preview.restore_run_id);

    expect(results.find((r) => r.display_name === 'iOS baseline')).toMatchObject({ outcome: 'ambiguous', target_graph_id: null });
    expect(bed.writes().filter((w) => twins.some((id) => w.path.includes(id)))).toEqual([]);
    expect(bed.intune('deviceConfigurations').filter((i) => i.displayName === 'iOS baseline').map((i) => i.passcodeRequired)).toEqual([false, false]);
  });

  it('an assignment whose group was deleted: a warning naming the group, and the item still restores with its other assignments', async () => {
    const bed = await startRestoreBed(t, boss);
    const preview = await previewed(bed, () => {
      removeNamed(bed.intune('deviceConfigurations'), 'Windows baseline');
      bed.sim.state.removeGroup(bed.ids.tenantId, bed.ids.pilotGroup);
    });
    expect(preview.warnings).toEqual([expect.objectContaining({ display_name: 'Windows baseline', message: expect.stringContaining('"Pilot ring"') })]);
    const { run, results } = await executed(bed, preview.restore_run_id);

    expect(run.status).toBe('succeeded');
    const restored = bed.intune('deviceConfigurations').find((i) => i.displayName === 'Windows baseline');
    expect(restored?.assignments).toEqual([expect.objectContaining({ target: expect.objectContaining({ groupId: bed.ids.windowsGroup }) })]);
    expect(results.find((r) => r.display_name === 'Windows baseline')).toMatchObject({ outcome: 'created', assignments_written: 1, warnings: [expect.stringContaining('"Pilot ring"')] });
    expect((run.result as unknown as RestoreExecuteView).warnings).toHaveLength(1);
  });

  it('a policy with the same name and type created between preview and execute: conflict, no duplicate', async () => {
    const bed = await startRestoreBed(t, boss);
    const preview = await previewed(bed, () => removeNamed(bed.intune('deviceConfigurations'), 'Windows baseline'));
    expect(preview.counts.create).toBe(1);
    const someoneElse = randomUUID();
    bed.intune('deviceConfigurations').push({ id: someoneElse, '@odata.type': types.windows, displayName: 'Windows baseline', assignments: [] });
    const { run, results, view } = await executed(bed, preview.restore_run_id);

    expect(bed.intune('deviceConfigurations').filter((i) => i.displayName === 'Windows baseline').map((i) => i.id)).toEqual([someoneElse]);
    expect(results.find((r) => r.display_name === 'Windows baseline')).toMatchObject({ planned: 'create', outcome: 'conflict', target_graph_id: someoneElse, reason: expect.stringContaining('created since the preview') });
    expect(bed.writes()).toEqual([]);
    expect(run.status).toBe('partially_succeeded');
    expect(view.attention).toEqual([expect.objectContaining({ outcome: 'conflict', display_name: 'Windows baseline' })]);
  });

  it('a target renamed or deleted between preview and execute: conflict, never written or re-created', async () => {
    const bed = await startRestoreBed(t, boss);
    const preview = await previewed(bed, () => {
      for (const item of [...bed.intune('deviceConfigurations'), ...bed.intune('deviceCompliancePolicies')]) item.description = 'changed in Intune';
    });
    expect(preview.counts.update).toBe(3);
    const [windows, ios] = bed.intune('deviceConfigurations');
    if (windows) windows.displayName = 'Windows baseline (renamed)';
    if (ios) bed.intune('deviceConfigurations').splice(bed.intune('deviceConfigurations').indexOf(ios), 1);
    const { results } = await executed(bed, preview.restore_run_id);

    expect(results.filter((r) => r.outcome === 'conflict').map((r) => [r.display_name, r.reason.includes('renamed') || r.reason.includes('deleted')])).toEqual(expect.arrayContaining([['Windows baseline', true], ['iOS baseline', true]]));
    expect(results.find((r) => r.display_name === 'Windows compliance')).toMatchObject({ outcome: 'updated' });
    expect(bed.writes().map((w) => w.method)).toEqual(['PATCH', 'POST']);
    expect(bed.intune('deviceConfigurations').map((i) => i.displayName)).toEqual(['Windows baseline (renamed)']);
  });

  it('two managers execute one plan at once: one run, and its writes happen once', async () => {
    const bed = await startRestoreBed(t, boss);
    const preview = await previewed(bed, () => removeNamed(bed.intune('deviceConfigurations'), 'iOS baseline'));
    const second = await seedMember(t.db, bed.tenant.id, 'manager', 'slack');
    const [a, b] = await Promise.all([bed.execute(preview.restore_run_id), bed.execute(preview.restore_run_id, second)]);

    expect(a.run.id).toBe(b.run.id);
    expect([a.deduplicated, b.deduplicated].sort()).toEqual([false, true]);
    await bed.settle(a.run.id);
    const again = await bed.execute(preview.restore_run_id);
    expect(again).toMatchObject({ deduplicated: true, run: { id: a.run.id } });
    expect(await t.db.operationRun.count({ where: { tenantId: bed.tenant.id, type: 'restore.execute' } })).toBe(1);
    expect(intuneWriteLog(bed.sim.state).filter((w) => w.action === 'create')).toHaveLength(1);
  });

  it('one write refused by Graph: that item failed with its reason code, the others restored, run partially_succeeded', async () => {
    const bed = await startRestoreBed(t, boss);
    const preview = await previewed(bed, () => {
      removeNamed(bed.intune('deviceConfigurations'), 'iOS baseline');
      const compliance = bed.intune('deviceCompliancePolicies')[0];
      if (compliance) compliance.bitLockerEnabled = false;
    });
    bed.sim.state.addFault({ path: '/graph/*/deviceManagement/deviceConfigurations', method: 'POST', status: 400, message: 'Invalid setting value.' });
    const { run, results } = await executed(bed, preview.restore_run_id);

    expect(run.status).toBe('partially_succeeded');
    expect(results.find((r) => r.display_name === 'iOS baseline')).toMatchObject({ outcome: 'failed', reason_code: expect.stringMatching(/^provider_/) });
    expect(results.find((r) => r.display_name === 'Windows compliance')).toMatchObject({ outcome: 'updated' });
    expect(runFailures(run)).toEqual([expect.objectContaining({ detail: expect.objectContaining({ family: 'deviceConfigurations' }) })]);
    const audits = await t.db.auditEvent.findMany({ where: { tenantId: bed.tenant.id, action: 'restore.create' } });
    expect(audits.map((a) => a.outcome)).toEqual(['failed']);
  });

  it('writes beyond Intune\'s write limit are throttled (429) and retried after Retry-After: every item restored', async () => {
    const bed = await startRestoreBed(t, boss);
    const preview = await previewed(bed, () => {
      for (const item of [...bed.intune('deviceConfigurations'), ...bed.intune('deviceCompliancePolicies')]) item.description = 'changed in Intune';
    });
    setIntuneWriteLimit(bed.sim.state, { writes: 2, windowSeconds: 1 });
    const { run, view } = await executed(bed, preview.restore_run_id);

    expect(run.status).toBe('succeeded');
    expect(view.counts.updated).toBe(3);
    expect(bed.writes().filter((w) => w.status === 429).length).toBeGreaterThan(0);
  });
});
