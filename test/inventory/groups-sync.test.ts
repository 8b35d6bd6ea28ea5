import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { TestDatabase } from '../helpers/database.ts';
import { useTestDatabaseAndBoss } from '../helpers/fixtures.ts';
import { runFailures } from '../../services/runs/run-types.ts';
import { startBed, syncRoles, type Bed } from './bed.ts';

let t: TestDatabase;
let boss: PgBoss;

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

const cachedGroups = (bed: Bed) => t.db.directoryGroup.findMany({ where: { tenantId: bed.tenant.id }, orderBy: { groupId: 'asc' } });
const deltaRequests = (bed: Bed) => bed.sim.requestLog.filter((r) => r.path.endsWith('/groups/delta'));

/** The cache's active groups equal what Entra (the simulator) holds now. */
async function expectCacheMirrors(bed: Bed): Promise<void> {
  const served = [...bed.sim.state.tenant(bed.entraTenantId).groups.values()];
  const active = (await cachedGroups(bed)).filter((g) => g.removedAt === null);
  expect(active.map((g) => ({ groupId: g.groupId, displayName: g.displayName, mail: g.mail, securityEnabled: g.securityEnabled, groupTypes: g.groupTypes })))
    .toEqual(served.sort((a, b) => (a.id < b.id ? -1 : 1)).map((g) => ({ groupId: g.id, displayName: g.displayName, mail: g.mail, securityEnabled: g.securityEnabled, groupTypes: g.groupTypes })));
}

describe('directory_groups.sync with Graph delta', () => {
  it('a full sync, then an incremental one from the stored deltaLink that applies the 10 changes and touches nothing else', async () => {
    const bed = await startBed(t, boss, { items: 10, groups: 450 });
    const full = await bed.sync('directory_groups.sync');
    expect(full.status).toBe('succeeded');
    expect(full.summary).toEqual({ mode: 'full', resynced: false, upserted: 450, removed: 0, groups: 450 });
    await expectCacheMirrors(bed);
    const cursor = await t.db.syncCursor.findUniqueOrThrow({ where: { tenantId_resource: { tenantId: bed.tenant.id, resource: 'directory_groups' } } });
    expect(cursor.cursor).toMatch(/\/groups\/delta\?.*\$deltatoken=/);

    const state = bed.sim.state;
    const ids = bed.generated.groups.map((g) => g.id);
    for (const id of ids.slice(0, 5)) state.changeGroup(bed.entraTenantId, id, { displayName: `Renamed ${id.slice(0, 4)}` });
    state.changeGroup(bed.entraTenantId, ids[5]!, { mail: 'ops@contoso.example', mailEnabled: true, groupTypes: ['Unified'] });
    state.addGroups(bed.entraTenantId, [{ id: randomUUID(), displayName: 'Created after the full sync' }, { id: randomUUID(), displayName: 'Another new group' }]);
    state.removeGroup(bed.entraTenantId, ids[100]!);
    state.removeGroup(bed.entraTenantId, ids[200]!);
    const beforeIncremental = new Date();
    const requestsBefore = deltaRequests(bed).length;

    const incremental = await bed.sync('directory_groups.sync');

    expect(incremental.status).toBe('succeeded');
    expect(incremental.summary).toEqual({ mode: 'incremental', resynced: false, upserted: 8, removed: 2, groups: 450 });
    const requests = deltaRequests(bed).slice(requestsBefore);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.query).toHaveProperty('$deltatoken');
    const rows = await cachedGroups(bed);
    expect(rows).toHaveLength(452);
    expect(rows.filter((g) => g.updatedAt >= beforeIncremental)).toHaveLength(10);
    expect(rows.filter((g) => g.removedAt !== null).map((g) => g.groupId).sort()).toEqual([ids[100], ids[200]].sort());
    await expectCacheMirrors(bed);
    const advanced = await t.db.syncCursor.findUniqueOrThrow({ where: { tenantId_resource: { tenantId: bed.tenant.id, resource: 'directory_groups' } } });
    expect(advanced.cursor).not.toBe(cursor.cursor);
  });

  it('an expired delta token (410 syncStateNotFound) recovers with a full sync that also marks groups deleted meanwhile', async () => {
    const bed = await startBed(t, boss, { items: 10, groups: 120 });
    expect((await bed.sync('directory_groups.sync')).summary).toMatchObject({ mode: 'full' });
    const ids = bed.generated.groups.map((g) => g.id);
    const state = bed.sim.state;
    state.removeGroup(bed.entraTenantId, ids[7]!);
    state.changeGroup(bed.entraTenantId, ids[8]!, { displayName: 'Renamed while the token expired' });
    state.expireDeltaTokens(bed.entraTenantId);
    // Real Graph does not report deletions that happened before a fresh full read: forget this one.
    state.tenant(bed.entraTenantId).removedGroups.length = 0;

    const run = await bed.sync('directory_groups.sync');

    expect(run.status).toBe('succeeded');
    expect(run.summary).toEqual({ mode: 'full', resynced: true, upserted: 119, removed: 1, groups: 119 });
    const statuses = deltaRequests(bed).map((r) => [r.status, '$deltatoken' in r.query]);
    expect(statuses.slice(-3)).toEqual([[410, true], [200, false], [200, false]]);
    expect((await cachedGroups(bed)).find((g) => g.groupId === ids[7])!.removedAt).not.toBeNull();
    await expectCacheMirrors(bed);
    expect((await bed.sync('directory_groups.sync')).summary).toEqual({ mode: 'incremental', resynced: false, upserted: 0, removed: 0, groups: 119 });
  });

  it('without Group.Read.All: failed, the failure names the permission, the cursor is not written', async () => {
    const bed = await startBed(t, boss, { items: 10, groups: 5, roles: syncRoles.filter((r) => r !== 'Group.Read.All') });
    const run = await bed.sync('directory_groups.sync');
    expect(run.status).toBe('failed');
    expect(runFailures(run)).toEqual([expect.objectContaining({ reason_code: 'provider_permission_denied', blocking: true })]);
    expect(runFailures(run)[0]!.message).toContain('Group.Read.All');
    expect(await t.db.syncCursor.count({ where: { tenantId: bed.tenant.id } })).toBe(0);
    expect(await t.db.directoryGroup.count({ where: { tenantId: bed.tenant.id } })).toBe(0);
  });
});
