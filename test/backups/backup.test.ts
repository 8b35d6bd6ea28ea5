import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import { startRun } from '../../services/runs/start-run.ts';
import { addSchedule } from '../../services/backups/schedules.ts';
import { createChatService } from '../../services/chat/chat-service.ts';
import type { OperationRun } from '../../services/runs/run-types.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { seedMember, silentLogger, useTestDatabaseAndBoss, waitFor } from '../helpers/fixtures.ts';
import { healthyFixture, healthyRoles, startBed, type Fixture } from '../microsoft/bed.ts';

let t: TestDatabase;
let boss: PgBoss;
useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

const items = (prefix: string, n: number, extra: (i: number) => Record<string, unknown> = () => ({})) =>
  Array.from({ length: n }, (_, i) => ({ id: randomUUID(), displayName: `${prefix} ${i}`, '@odata.type': `#microsoft.graph.${prefix}`, ...extra(i) }));

/** A tenant whose app may read every family but mobileAppConfigurations (DeviceManagementApps missing). */
function largeFixture(): Fixture {
  const fixture = healthyFixture(healthyRoles.filter((r) => !r.startsWith('DeviceManagementApps')));
  const group = randomUUID();
  const assigned = () => ({ assignments: [{ id: randomUUID(), target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: group } }] });
  const tenant = fixture.scenario.tenants[0];
  if (!tenant) throw new Error('fixture without tenant');
  tenant.groups = [{ id: group, displayName: 'All devices' }];
  tenant.intune = {
    deviceConfigurations: items('windows10GeneralConfiguration', 900, assigned),
    deviceCompliancePolicies: items('windows10CompliancePolicy', 500, assigned),
    deviceEnrollmentConfigurations: items('deviceEnrollmentLimitConfiguration', 200),
    configurationPolicies: items('deviceManagementConfigurationPolicy', 50, () => ({ settings: [{ id: '0', settingInstance: { '@odata.type': '#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance', settingDefinitionId: 'device_vendor_msft_policy_config_x' } }] })),
    deviceManagementScripts: items('deviceManagementScript', 20),
    windowsAutopilotDeploymentProfiles: items('azureADWindowsAutopilotDeploymentProfile', 20),
    mobileAppConfigurations: items('iosMobileAppConfiguration', 310),
  };
  return fixture;
}

async function finished(id: string): Promise<OperationRun> {
  return waitFor(async () => {
    const run = await t.db.operationRun.findUniqueOrThrow({ where: { id } });
    return run.status === 'queued' || run.status === 'running' ? null : run;
  }, { timeoutMs: 60_000, what: `run ${id}` });
}

async function runNow(tenantId: string, scheduleId: string): Promise<OperationRun> {
  const { run } = await startRun({ db: t.db, boss }, { tenantId, type: 'backup_schedule.run_now', input: { scheduleId }, actor: { kind: 'system', name: 'cli' }, source: 'cli', deliveryId: randomUUID() });
  return finished(run.id);
}

describe('backups', () => {
  it('a 2,000-item tenant with one family forbidden backs up partially: the set is partial and names the family', async () => {
    const bed = await startBed(t, boss, largeFixture());
    const schedule = await addSchedule(t.db, { tenantId: bed.tenant.id, name: 'all', cron: '0 2 * * *' });
    const run = await runNow(bed.tenant.id, schedule.id);
    expect(run.status).toBe('partially_succeeded');
    expect(run.failures).toMatchObject([{ reason_code: 'provider_permission_denied', blocking: true, detail: { family: 'mobileAppConfigurations' } }]);
    expect(JSON.stringify(run.failures)).toContain('DeviceManagementApps.Read.All');
    const set = await t.db.backupSet.findFirstOrThrow({ where: { operationRunId: run.id } });
    expect(set).toMatchObject({ status: 'partial', itemCount: 1690, detail: { failed_families: ['mobileAppConfigurations'] } });
    const perFamily = await t.db.backupItem.groupBy({ by: ['family'], where: { backupSetId: set.id }, _count: { _all: true } });
    expect(Object.fromEntries(perFamily.map((f) => [f.family, f._count._all]))).toEqual({
      deviceConfigurations: 900, deviceCompliancePolicies: 500, deviceEnrollmentConfigurations: 200, configurationPolicies: 50,
      deviceManagementScripts: 20, windowsAutopilotDeploymentProfiles: 20,
    });
    const sample = await t.db.backupItem.findFirstOrThrow({ where: { backupSetId: set.id, family: 'deviceConfigurations' } });
    expect(sample.assignments).toHaveLength(1);
    expect(sample.payload).not.toHaveProperty('assignments');
    const policy = await t.db.backupItem.findFirstOrThrow({ where: { backupSetId: set.id, family: 'configurationPolicies' } });
    expect(policy.payload).toHaveProperty('settings');
    const scheduleRun = await t.db.backupScheduleRun.findUniqueOrThrow({ where: { operationRunId: run.id } });
    expect(scheduleRun).toMatchObject({ kind: 'run_now', status: 'partially_succeeded', backupSetId: set.id });
    expect(run.context).toMatchObject({ backup_schedule_run_id: scheduleRun.id });
  }, 120_000);

  it('retry links the original schedule run and applies only to a failed or partially succeeded backup run', async () => {
    const fixture = healthyFixture(healthyRoles.filter((r) => !r.startsWith('DeviceManagementApps')));
    const bed = await startBed(t, boss, fixture);
    const schedule = await addSchedule(t.db, { tenantId: bed.tenant.id, name: 'apps', cron: '0 2 * * *', families: ['deviceConfigurations', 'mobileAppConfigurations'] });
    const partial = await runNow(bed.tenant.id, schedule.id);
    expect(partial.status).toBe('partially_succeeded');
    const operator = await seedMember(t.db, bed.tenant.id, 'operator');
    const actor = { kind: 'member', memberId: operator.id } as const;
    const { run: retry } = await startRun({ db: t.db, boss }, { tenantId: bed.tenant.id, type: 'backup_schedule.retry', input: { runId: partial.id }, actor, source: 'teams', deliveryId: randomUUID() });
    const done = await finished(retry.id);
    const original = await t.db.backupScheduleRun.findUniqueOrThrow({ where: { operationRunId: partial.id } });
    const again = await t.db.backupScheduleRun.findUniqueOrThrow({ where: { operationRunId: done.id } });
    expect(again).toMatchObject({ kind: 'retry', retryOf: original.id });
    expect(done.context).toMatchObject({ retry_of_run_id: partial.id });

    const verifyRun = await bed.verify();
    await expect(startRun({ db: t.db, boss }, { tenantId: bed.tenant.id, type: 'backup_schedule.retry', input: { runId: verifyRun.run.id }, actor, source: 'teams', deliveryId: randomUUID() }))
      .rejects.toMatchObject({ code: 'run_not_retryable' });
    const succeeded = await t.db.operationRun.update({ where: { id: done.id }, data: { status: 'succeeded' } });
    await expect(startRun({ db: t.db, boss }, { tenantId: bed.tenant.id, type: 'backup_schedule.retry', input: { runId: succeeded.id }, actor, source: 'teams', deliveryId: randomUUID() }))
      .rejects.toMatchObject({ code: 'run_not_retryable' });
  }, 60_000);

  it('retention keeps the newest N sets and never deletes one a restore references', async () => {
    const bed = await startBed(t, boss, healthyFixture());
    const schedule = await addSchedule(t.db, { tenantId: bed.tenant.id, name: 'keep2', cron: '0 2 * * *', families: ['deviceConfigurations'], retention: 2 });
    const setOf = async (run: OperationRun) => (await t.db.backupSet.findFirstOrThrow({ where: { operationRunId: run.id } })).id;
    const b1 = await setOf(await runNow(bed.tenant.id, schedule.id));
    const b2 = await setOf(await runNow(bed.tenant.id, schedule.id));
    await t.db.restoreRun.create({ data: { tenantId: bed.tenant.id, backupSetId: b1 } });
    const b3 = await setOf(await runNow(bed.tenant.id, schedule.id));
    const ids = async () => (await t.db.backupSet.findMany({ where: { backupScheduleId: schedule.id }, orderBy: { createdAt: 'asc' } })).map((s) => s.id);
    expect(await ids()).toEqual([b1, b2, b3]);
    const b4 = await setOf(await runNow(bed.tenant.id, schedule.id));
    expect(await ids()).toEqual([b1, b3, b4]);
  }, 60_000);

  it('chat `backup run <schedule>`: two deliveries start two runs, a redelivery of one starts none', async () => {
    const bed = await startBed(t, boss, healthyFixture());
    await addSchedule(t.db, { tenantId: bed.tenant.id, name: 'nightly', cron: '0 2 * * *', families: ['deviceConfigurations'] });
    const operator = await seedMember(t.db, bed.tenant.id, 'operator');
    const chat = createChatService({ db: t.db, boss, logger: silentLogger });
    const request = (deliveryId: string) => ({ caller: { platform: 'teams' as const, userId: operator.platformUserId, teamId: '' }, place: { channelId: 'personal', personal: true }, deliveryId });
    const first = await chat.handleCommand(request('activity-1'), { verb: 'backup_run', schedule: 'nightly' });
    const second = await chat.handleCommand(request('activity-2'), { verb: 'backup_run', schedule: 'nightly' });
    const redelivered = await chat.handleCommand(request('activity-1'), { verb: 'backup_run', schedule: 'nightly' });
    expect(first.kind).toBe('run');
    if (first.kind !== 'run' || second.kind !== 'run' || redelivered.kind !== 'run') throw new Error('expected run replies');
    expect(second.run.id).not.toBe(first.run.id);
    expect(redelivered).toMatchObject({ deduplicated: true, redelivered: true, run: { id: first.run.id } });
    const unknown = await chat.handleCommand(request('activity-3'), { verb: 'backup_run', schedule: 'weekly' });
    expect(unknown).toMatchObject({ kind: 'error', reasonCode: 'not_found' });
  }, 60_000);
});
