import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { TestDatabase } from '../helpers/database.ts';
import { silentLogger, useTestDatabaseAndBoss } from '../helpers/fixtures.ts';
import { parseCommand } from '../../bot/commands.ts';
import { createChatService } from '../../services/chat/chat-service.ts';
import type { TenantMember } from '../../services/admin/members.ts';
import type { RestorePreviewView } from '../../services/restores/views.ts';
import { restoreRoles, startRestoreBed, type BedOptions, type RestoreBed } from './restore-bed.ts';

let t: TestDatabase;
let boss: PgBoss;

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

/** A verified tenant whose previewed plan would create one policy. */
async function planned(options?: BedOptions): Promise<{ bed: RestoreBed; preview: RestorePreviewView }> {
  const bed = await startRestoreBed(t, boss, options);
  await bed.verify();
  const set = await bed.backup();
  const configs = bed.intune('deviceConfigurations');
  configs.splice(configs.findIndex((i) => i.displayName === 'iOS baseline'), 1);
  await bed.syncInventory();
  await bed.syncGroups();
  const run = await bed.preview(set.id);
  const preview = run.result as unknown as RestorePreviewView;
  expect(preview.counts.create).toBe(1);
  return { bed, preview };
}

async function executeJobs(): Promise<number> {
  const rows = await t.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pgboss.job WHERE name = 'operation.restore.execute'`;
  return Number(rows[0]?.n ?? 0);
}

/** Refused before any row: no execute run, no job, no Graph write, and the refusal audited. */
async function expectRefused(bed: RestoreBed, restoreRunId: string, code: string): Promise<void> {
  const jobsBefore = await executeJobs();
  await expect(bed.execute(restoreRunId)).rejects.toMatchObject({ code });
  expect(await t.db.operationRun.count({ where: { tenantId: bed.tenant.id, type: 'restore.execute' } })).toBe(0);
  expect(await executeJobs()).toBe(jobsBefore);
  expect(bed.writes()).toEqual([]);
  const audit = await t.db.auditEvent.findFirst({ where: { tenantId: bed.tenant.id, action: 'run.start.restore.execute' }, orderBy: { createdAt: 'desc' } });
  expect(audit).toMatchObject({ outcome: 'failed', detail: expect.objectContaining({ reason_code: code }) });
  expect((await t.db.restoreRun.findUniqueOrThrow({ where: { id: restoreRunId } })).status).toBe('previewed');
}

describe('restore.execute refusals: checked before any run exists', () => {
  it('without a connection: connection_missing; no run, no job, no Graph write', async () => {
    const { bed, preview } = await planned();
    await t.db.providerConnection.delete({ where: { id: bed.connectionId } });
    await expectRefused(bed, preview.restore_run_id, 'connection_missing');
  });

  it('with a blocked connection: connection_blocked; no run, no Graph write', async () => {
    const { bed, preview } = await planned();
    await t.db.providerConnection.update({ where: { id: bed.connectionId }, data: { status: 'blocked' } });
    await expectRefused(bed, preview.restore_run_id, 'connection_blocked');
  });

  it('when the latest verification says restore is not ready (Read permission only): restore_not_ready naming the permission', async () => {
    const roles = restoreRoles.map((r) => (r === 'DeviceManagementServiceConfig.ReadWrite.All' ? 'DeviceManagementServiceConfig.Read.All' : r));
    const { bed, preview } = await planned({ roles });
    expect((await t.db.providerConnection.findUniqueOrThrow({ where: { id: bed.connectionId } })).status).toBe('degraded');
    await expect(bed.execute(preview.restore_run_id)).rejects.toMatchObject({ code: 'restore_not_ready', userMessage: expect.stringContaining('DeviceManagementServiceConfig.ReadWrite.All') });
    await expectRefused(bed, preview.restore_run_id, 'restore_not_ready');
  });

  it('a connection never verified: restore_not_ready', async () => {
    const { bed, preview } = await planned();
    await t.db.providerConnection.update({ where: { id: bed.connectionId }, data: { lastVerificationRunId: null } });
    await expectRefused(bed, preview.restore_run_id, 'restore_not_ready');
  });

  it('a plan older than RESTORE_PLAN_MAX_AGE_MINUTES: plan_expired; a younger one executes', async () => {
    const { bed, preview } = await planned({ config: { RESTORE_PLAN_MAX_AGE_MINUTES: 10 } });
    await t.db.restoreRun.update({ where: { id: preview.restore_run_id }, data: { previewedAt: new Date(Date.now() - 11 * 60_000) } });
    await expectRefused(bed, preview.restore_run_id, 'plan_expired');
    await t.db.restoreRun.update({ where: { id: preview.restore_run_id }, data: { previewedAt: new Date(Date.now() - 9 * 60_000) } });
    const { run } = await bed.execute(preview.restore_run_id);
    expect((await bed.settle(run.id)).status).toBe('succeeded');
  });

  it('a plan of another tenant, or one whose preview failed: refused, no run', async () => {
    const { bed, preview } = await planned();
    const other = await startRestoreBed(t, boss);
    await expect(other.execute(preview.restore_run_id)).rejects.toMatchObject({ code: 'not_found' });
    await t.db.restoreRun.update({ where: { id: preview.restore_run_id }, data: { status: 'failed' } });
    await expect(bed.execute(preview.restore_run_id)).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await t.db.operationRun.count({ where: { type: 'restore.execute', tenantId: { in: [bed.tenant.id, other.tenant.id] } } })).toBe(0);
  });
});

describe('restore in chat: `restore preview <backup>` and the restore_execute card action', () => {
  const request = (member: TenantMember) => ({
    caller: { platform: member.platform, userId: member.platformUserId, teamId: member.teamId }, place: { channelId: `chat-${randomUUID()}`, personal: true }, deliveryId: randomUUID(),
  });

  it('an operator previews by the backup\'s short id; only a manager\'s Restore click starts the execution', async () => {
    const bed = await startRestoreBed(t, boss);
    await bed.verify();
    const set = await bed.backup();
    await bed.syncInventory();
    await bed.syncGroups();
    const chat = createChatService({ db: t.db, boss, logger: silentLogger, settings: { RESTORE_PLAN_MAX_AGE_MINUTES: 60 } });
    const parsed = parseCommand(`restore preview ${set.id.slice(0, 8)}`);
    expect(parsed).toEqual({ ok: true, command: { verb: 'restore_preview', backup: set.id.slice(0, 8) } });
    if (!parsed.ok) return;
    const reply = await chat.handleCommand(request(bed.operator), parsed.command);
    expect(reply).toMatchObject({ kind: 'run', run: { type: 'restore.preview' } });
    if (reply.kind !== 'run') return;
    const preview = (await bed.settle(reply.run.id)).result as unknown as RestorePreviewView;
    const action = preview.execute_action ?? { verb: 'restore_execute', restoreRunId: preview.restore_run_id };

    const denied = await chat.handleAction(request(bed.operator), action);
    expect(denied).toMatchObject({ kind: 'error', reasonCode: 'not_authorized', denied: true });
    expect(await t.db.operationRun.count({ where: { tenantId: bed.tenant.id, type: 'restore.execute' } })).toBe(0);
    const forged = await chat.handleAction(request(bed.manager), { ...action, tenantId: randomUUID() });
    expect(forged).toMatchObject({ kind: 'error', reasonCode: 'invalid_input' });
    const started = await chat.handleAction(request(bed.manager), action);
    expect(started).toMatchObject({ kind: 'run', run: { type: 'restore.execute', status: 'queued' } });
  });

  it('the grammar refuses a restore without a backup id or with extra words', () => {
    expect(parseCommand('restore preview')).toMatchObject({ ok: false, problem: expect.stringContaining('restore preview <backup>') });
    expect(parseCommand('restore execute 3f2a9c1b')).toMatchObject({ ok: false });
    expect(parseCommand('restore preview 3f2a9c1b now')).toMatchObject({ ok: false });
    expect(parseCommand('/opshub Restore Preview 3F2A9C1B --tenant contoso')).toEqual({ ok: true, command: { verb: 'restore_preview', backup: '3f2a9c1b', tenant: 'contoso' } });
  });
});
