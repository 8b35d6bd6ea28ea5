import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { TestDatabase } from '../helpers/database.ts';
import { useTestDatabaseAndBoss } from '../helpers/fixtures.ts';
import { runFailures } from '../../services/runs/run-types.ts';
import { planSchema } from '../../services/restores/plan-schema.ts';
import type { RestorePreviewView } from '../../services/restores/views.ts';
import { startRestoreBed, types } from './restore-bed.ts';

let t: TestDatabase;
let boss: PgBoss;

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

describe('restore.preview: a plan from our own tables', () => {
  it('an enrollment configuration whose name now belongs to another type (synced from the simulator): conflict, type collision, listed on the card', async () => {
    const bed = await startRestoreBed(t, boss);
    expect((await bed.verify()).status).toBe('succeeded');
    const set = await bed.backup();
    // In "Intune", the limit configuration is deleted and a Windows Hello configuration takes its name.
    const enrollment = bed.intune('deviceEnrollmentConfigurations');
    enrollment.splice(enrollment.findIndex((i) => i.displayName === 'Corporate devices'), 1);
    enrollment.push({ id: randomUUID(), '@odata.type': types.whfb, displayName: 'Corporate devices', priority: 1, assignments: [] });
    await bed.syncInventory();
    await bed.syncGroups();
    const writesBefore = bed.writes().length;
    const run = await bed.preview(set.id);

    expect(run.status).toBe('succeeded');
    const view = run.result as unknown as RestorePreviewView;
    expect(view.attention).toEqual([expect.objectContaining({ class: 'conflict', reason_key: 'type_collision', display_name: 'Corporate devices', odata_type: types.limit, candidates: [expect.objectContaining({ odata_type: types.whfb })] })]);
    expect(view.counts).toEqual({ create: 0, update: 0, unchanged: 7, conflict: 1, ambiguous: 0, skipped: 1 });
    const plan = await t.db.restoreRun.findUniqueOrThrow({ where: { id: view.restore_run_id } });
    expect(plan).toMatchObject({ status: 'previewed', previewRunId: run.id, backupSetId: set.id, counts: view.counts });
    const items = planSchema.parse(plan.plan);
    // Split Android restrictions share one name by design: matched per platform type, unchanged, not ambiguous.
    // Plan order follows the backup's read order, which is not fixed: compare as a set.
    expect(items.filter((i) => i.display_name === 'Android restrictions').map((i) => [i.class, i.platform_type]).sort((a, b) => String(a[1]).localeCompare(String(b[1]))))
      .toEqual([['unchanged', 'android'], ['unchanged', 'androidForWork']]);
    expect(items.find((i) => i.family === 'deviceManagementScripts')).toMatchObject({ class: 'skipped', reason: 'deviceManagementScripts: not supported yet.' });
    expect(run.summary).toMatchObject({ restore_run_id: plan.id, counts: view.counts });
    expect(view.executable).toBe(false);
    expect(bed.writes().length).toBe(writesBefore);
  });

  it('changed, deleted and duplicated policies: update, create (default only in place) and ambiguous; a removed group is a warning naming it', async () => {
    const bed = await startRestoreBed(t, boss);
    await bed.verify();
    const set = await bed.backup();
    await bed.syncGroups();
    const configs = bed.intune('deviceConfigurations');
    configs.splice(configs.findIndex((i) => i.displayName === 'Windows baseline'), 1);
    configs.push({ id: randomUUID(), '@odata.type': types.ios, displayName: 'iOS baseline', assignments: [] });
    const enrollment = bed.intune('deviceEnrollmentConfigurations');
    enrollment.splice(enrollment.findIndex((i) => i.id.endsWith('_DefaultLimit')), 1);
    const compliance = bed.intune('deviceCompliancePolicies')[0];
    if (compliance) compliance.bitLockerEnabled = false;
    bed.sim.state.removeGroup(bed.ids.tenantId, bed.ids.pilotGroup);
    await bed.syncInventory();
    await bed.syncGroups();
    const view = (await bed.preview(set.id)).result as unknown as RestorePreviewView;

    expect(view.counts).toEqual({ create: 1, update: 1, unchanged: 4, conflict: 1, ambiguous: 1, skipped: 1 });
    expect(view.attention.map((a) => [a.class, a.reason_key, a.display_name])).toEqual(expect.arrayContaining([
      ['ambiguous', 'duplicate_in_tenant', 'iOS baseline'], ['conflict', 'default_not_found', 'All users and all devices'],
    ]));
    expect(view.warnings).toEqual([expect.objectContaining({ display_name: 'Windows baseline', message: expect.stringContaining('"Pilot ring"') })]);
    expect(view.execute_action).toEqual({ verb: 'restore_execute', restoreRunId: view.restore_run_id });
    const items = planSchema.parse((await t.db.restoreRun.findUniqueOrThrow({ where: { id: view.restore_run_id } })).plan);
    const windows = items.find((i) => i.display_name === 'Windows baseline');
    expect(windows).toMatchObject({ class: 'create', assignments: [{ target: { groupId: bed.ids.windowsGroup } }], dropped_groups: [{ group_id: bed.ids.pilotGroup, group_name: 'Pilot ring', why: 'removed' }] });
  });

  it('no inventory sync, or one older than INVENTORY_MAX_AGE_MINUTES: the preview fails with inventory_stale and plans nothing', async () => {
    const bed = await startRestoreBed(t, boss, { config: { INVENTORY_MAX_AGE_MINUTES: 30 } });
    await bed.verify();
    const set = await bed.backup();
    const never = await bed.preview(set.id);
    expect(never.status).toBe('failed');
    expect(runFailures(never)).toEqual([expect.objectContaining({ reason_code: 'inventory_stale', blocking: true })]);
    await bed.syncInventory();
    await bed.syncGroups();
    await t.db.operationRun.updateMany({ where: { tenantId: bed.tenant.id, type: 'inventory.sync' }, data: { finishedAt: new Date(Date.now() - 31 * 60_000) } });
    const old = await bed.preview(set.id);
    expect(runFailures(old)).toEqual([expect.objectContaining({ reason_code: 'inventory_stale', message: expect.stringContaining('limit is 30') })]);
    const plans = await t.db.restoreRun.findMany({ where: { tenantId: bed.tenant.id } });
    expect(plans.map((p) => [p.status, p.plan])).toEqual([['failed', []], ['failed', []]]);
  });

  it('assignments that name groups with a never-synced groups cache: inventory_stale naming `sync groups`', async () => {
    const bed = await startRestoreBed(t, boss);
    await bed.verify();
    const set = await bed.backup();
    await bed.syncInventory();
    const run = await bed.preview(set.id);
    expect(runFailures(run)).toEqual([expect.objectContaining({ reason_code: 'inventory_stale', message: expect.stringContaining('sync groups') })]);
  });

  it('a family selection the backup does not hold is refused before any run', async () => {
    const bed = await startRestoreBed(t, boss);
    await bed.verify();
    const set = await bed.backup();
    await expect(bed.preview(set.id, { families: ['mobileAppConfigurations'] })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await t.db.operationRun.count({ where: { tenantId: bed.tenant.id, type: 'restore.preview' } })).toBe(0);
  });
});
