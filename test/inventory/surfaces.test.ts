import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { TestDatabase } from '../helpers/database.ts';
import { seedMember, silentLogger, useTestDatabaseAndBoss } from '../helpers/fixtures.ts';
import { createChatService } from '../../services/chat/chat-service.ts';
import type { ChatReply } from '../../services/chat/replies.ts';
import { buildRunView } from '../../services/views/run-view.ts';
import { listGroups, listInventory, lookupGroups } from '../../services/inventory/queries.ts';
import { runMessage } from '../../cards/slack/run-blocks.ts';
import { parseCommand } from '../../bot/commands.ts';
import { finalRun, startBed, syncRoles } from './bed.ts';
import { cliFor } from '../cli/cli-harness.ts';

let t: TestDatabase;
let boss: PgBoss;

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

function command(text: string) {
  const parsed = parseCommand(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.command;
}

function runOf(reply: ChatReply) {
  if (reply.kind !== 'run') throw new Error(`expected a run reply, got ${JSON.stringify(reply)}`);
  return reply;
}

/** The real `operate-hub` command against the test database. */
const cli = (args: string[]) => cliFor(t.url)(args);

describe('inventory and groups surfaces', () => {
  it('two concurrent `sync inventory` from chat: one run; the finished run card shows per-family counts and the failure reason, rendered with zero Graph calls', async () => {
    const bed = await startBed(t, boss, { items: 200, worker: false, roles: syncRoles.filter((r) => r !== 'DeviceManagementServiceConfig.Read.All') });
    const member = await seedMember(t.db, bed.tenant.id, 'operator', 'teams');
    const chat = createChatService({ db: t.db, boss, logger: silentLogger });
    const request = () => ({ caller: { platform: 'teams' as const, userId: member.platformUserId, teamId: '' }, place: { channelId: 'personal', personal: true }, deliveryId: randomUUID() });

    const replies = await Promise.all([chat.handleCommand(request(), command('sync inventory')), chat.handleCommand(request(), command('sync inventory'))]);
    const [a, b] = [runOf(replies[0]), runOf(replies[1])];

    expect(a.run.id).toBe(b.run.id);
    expect([a.deduplicated, b.deduplicated].sort()).toEqual([false, true]);
    expect(await t.db.operationRun.count({ where: { tenantId: bed.tenant.id, type: 'inventory.sync' } })).toBe(1);
    await bed.startWorker();
    const done = await finalRun(t, a.run.id);
    expect(done.status).toBe('partially_succeeded');

    const graphCalls = bed.graphRequests();
    const shown = runOf(await chat.handleCommand(request(), command(`run ${done.id}`)));
    const card = JSON.stringify(runMessage(shown.run, 'channel'));
    const served = bed.sim.state.tenant(bed.entraTenantId).intune;
    expect(card).toContain(`deviceConfigurations ${served.deviceConfigurations.length}`);
    expect(card).toContain(`configurationPolicies ${served.configurationPolicies.length}`);
    expect(card).toContain('provider_permission_denied');
    expect(card).toContain('DeviceManagementServiceConfig.Read.All');
    // Both families that need DeviceManagementServiceConfig.Read.All failed, each named.
    expect(shown.run.summary).toMatchObject({ failed_families: ['deviceEnrollmentConfigurations', 'windowsAutopilotDeploymentProfiles'] });
    const view = await buildRunView(t.db, done, bed.tenant, null);
    expect(view.failures.map((f) => f.reasonCode)).toEqual(['provider_permission_denied', 'provider_permission_denied']);
    expect(bed.graphRequests()).toBe(graphCalls);
  });

  it('`sync groups` from chat fills the cache; group lookups and listings read it with zero Graph calls, removed groups included on request', async () => {
    const bed = await startBed(t, boss, { items: 30, groups: 25 });
    const member = await seedMember(t.db, bed.tenant.id, 'operator', 'slack');
    const chat = createChatService({ db: t.db, boss, logger: silentLogger });
    const request = () => ({ caller: { platform: 'slack' as const, userId: member.platformUserId, teamId: 'T0001' }, place: { channelId: 'D1', personal: true }, deliveryId: randomUUID() });
    const started = runOf(await chat.handleCommand(request(), command('sync groups')));
    expect((await finalRun(t, started.run.id)).status).toBe('succeeded');
    bed.sim.state.removeGroup(bed.entraTenantId, bed.generated.groups[0]!.id);
    expect((await bed.sync('directory_groups.sync')).summary).toMatchObject({ mode: 'incremental', removed: 1 });

    const graphCalls = bed.graphRequests();
    const ids = [bed.generated.groups[0]!.id, bed.generated.groups[1]!.id, bed.generated.missingGroupId];
    const found = await lookupGroups(t.db, bed.tenant.id, ids);
    expect(found.get(ids[0]!)?.removedAt).not.toBeNull();
    expect(found.get(ids[1]!)).toMatchObject({ displayName: bed.generated.groups[1]!.displayName, removedAt: null });
    expect(found.has(bed.generated.missingGroupId)).toBe(false);
    expect(await listGroups(t.db, { tenantId: bed.tenant.id })).toHaveLength(24);
    expect(await listGroups(t.db, { tenantId: bed.tenant.id, includeRemoved: true })).toHaveLength(25);
    expect((await listGroups(t.db, { tenantId: bed.tenant.id, search: 'team 0000' })).map((g) => g.mail)).toEqual(['team00004@contoso.example']);
    expect(await listInventory(t.db, { tenantId: bed.tenant.id })).toEqual([]);
    expect(bed.graphRequests()).toBe(graphCalls);
  });

  it('the CLI lists the cached inventory (optionally one family) and groups, as a table or JSON, without Microsoft configured', async () => {
    const bed = await startBed(t, boss, { items: 60, groups: 8 });
    expect((await bed.sync('inventory.sync')).status).toBe('succeeded');
    expect((await bed.sync('directory_groups.sync')).status).toBe('succeeded');
    const served = bed.sim.state.tenant(bed.entraTenantId).intune;

    const [all, enrollment, table, groups, groupsTable, wrongFamily] = await Promise.all([
      cli(['inventory', 'list', '--tenant', bed.tenant.slug, '--json']),
      cli(['inventory', 'list', '--tenant', bed.tenant.id, '--family', 'deviceEnrollmentConfigurations', '--json']),
      cli(['inventory', 'list', '--tenant', bed.tenant.slug, '--family', 'deviceEnrollmentConfigurations']),
      cli(['groups', 'list', '--tenant', bed.tenant.slug, '--json']),
      cli(['groups', 'list', '--tenant', bed.tenant.slug]),
      cli(['inventory', 'list', '--tenant', bed.tenant.slug, '--family', 'apps']),
    ]);

    expect(all.stderr).toBe('');
    expect(JSON.parse(all.stdout)).toHaveLength(60);
    const rows = JSON.parse(enrollment.stdout) as { graphId: string; priority: number | null; platformType: string | null; assignmentCount: number | null }[];
    expect(rows.map((r) => r.graphId).sort()).toEqual(served.deviceEnrollmentConfigurations.map((i) => i.id).sort());
    expect(rows.filter((r) => r.priority === 0)).toHaveLength(4);
    expect(table.stdout.split('\n')[0]).toMatch(/^family\s+displayName\s+type\s+platformType\s+priority\s+assignments\s+lastSeenAt$/);
    expect(table.stdout).toMatch(/deviceEnrollmentConfigurations\s+Android restrictions\s+deviceEnrollmentPlatformRestrictionConfiguration\s+android/);
    expect((JSON.parse(groups.stdout) as unknown[]).length).toBe(8);
    expect(groupsTable.stdout).toContain(bed.generated.groups[0]!.displayName);
    expect(wrongFamily.code).toBe(2);
    expect(wrongFamily.stderr).toMatch(/^error: --family must be one of deviceConfigurations, /);
  }, 90_000);
});
