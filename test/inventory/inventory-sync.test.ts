import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { TestDatabase } from '../helpers/database.ts';
import { useTestDatabaseAndBoss, waitFor } from '../helpers/fixtures.ts';
import { runFailures } from '../../services/runs/run-types.ts';
import { simFamilyNames, type SimFamilyName } from '../../sim/microsoft/server.ts';
import { itemConcurrency } from '../../worker/intune/read-family.ts';
import { expectedRow, startBed, syncRoles, type Bed } from './bed.ts';

let t: TestDatabase;
let boss: PgBoss;

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

const activeRows = (bed: Bed, family: string) => t.db.inventoryItem.findMany({ where: { tenantId: bed.tenant.id, family, removedAt: null } });

/** Every active row of the family equals what the simulator serves, one row per item. */
async function expectFamilyMirrors(bed: Bed, family: SimFamilyName): Promise<void> {
  const served = bed.sim.state.tenant(bed.entraTenantId).intune[family];
  const rows = await activeRows(bed, family);
  expect(rows.map((r) => r.graphId).sort(), family).toEqual(served.map((i) => i.id).sort());
  const byId = new Map(rows.map((r) => [r.graphId, r]));
  for (const item of served) {
    const row = byId.get(item.id)!;
    const expected = expectedRow(family, item);
    expect({ graphId: row.graphId, payload: row.payload, payloadHash: row.payloadHash, assignments: row.assignments }, `${family} ${item.id}`).toEqual(expected);
    expect(row.odataType).toBe(typeof item['@odata.type'] === 'string' ? item['@odata.type'] : null);
    expect(row.displayName).toBe(item.displayName ?? item.name);
  }
}

describe('inventory.sync against the simulator', () => {
  it('a 5,000-item tenant without DeviceManagementApps.Read.All: partially_succeeded, the failure names the permission, every other family complete and correct', async () => {
    const bed = await startBed(t, boss, { items: 5000, groups: 200, roles: syncRoles.filter((r) => r !== 'DeviceManagementApps.Read.All') });
    const run = await bed.sync('inventory.sync');

    expect(run.status).toBe('partially_succeeded');
    const failures = runFailures(run);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reason_code: 'provider_permission_denied', blocking: true, detail: { family: 'mobileAppConfigurations', needed: 'DeviceManagementApps.Read.All' } });
    expect(failures[0]!.message).toContain('DeviceManagementApps.Read.All');
    const served = bed.sim.state.tenant(bed.entraTenantId).intune;
    const readable = simFamilyNames.filter((f) => f !== 'mobileAppConfigurations');
    expect(run.summary).toEqual({
      families: Object.fromEntries(readable.map((f) => [f, served[f].length])),
      families_done: 7, families_total: 7,
      items: readable.reduce((sum, f) => sum + served[f].length, 0),
      added: readable.reduce((sum, f) => sum + served[f].length, 0), updated: 0, removed: 0,
      failed_families: ['mobileAppConfigurations'],
    });
    expect(Object.values(served).reduce((sum, items) => sum + items.length, 0)).toBe(5000);
    for (const family of readable) await expectFamilyMirrors(bed, family);
    expect(await t.db.inventoryItem.count({ where: { tenantId: bed.tenant.id, family: 'mobileAppConfigurations' } })).toBe(0);
    expect(await t.db.inventoryItem.count({ where: { tenantId: bed.tenant.id } })).toBe(readable.reduce((sum, f) => sum + served[f].length, 0));
    // Assignments come through $expand: no per-item assignment calls; settings are read per policy.
    const perItem = bed.sim.requestLog.filter((r) => /\/deviceManagement\/(?!configurationPolicies\/[^/]+\/settings$)[^/]+\/[^/]+/.test(r.path));
    expect(perItem).toEqual([]);
  }, 300_000);

  it('enrollment configurations: platformType and priority are columns; the default is priority 0; split Android restrictions share one name', async () => {
    const bed = await startBed(t, boss, { items: 120 });
    expect((await bed.sync('inventory.sync')).status).toBe('succeeded');
    const rows = await activeRows(bed, 'deviceEnrollmentConfigurations');
    const defaults = rows.filter((r) => r.priority === 0);
    expect(defaults.map((r) => r.graphId.split('_')[1]).sort()).toEqual(['DefaultLimit', 'DefaultPlatformRestrictions', 'DefaultWindows10EnrollmentCompletionPageConfiguration', 'DefaultWindowsHelloForBusiness']);
    expect(defaults.find((r) => r.graphId.endsWith('_DefaultPlatformRestrictions'))).toMatchObject({ odataType: '#microsoft.graph.deviceEnrollmentPlatformRestrictionsConfiguration', platformType: null });
    const android = rows.filter((r) => r.displayName === 'Android restrictions');
    expect(android.map((r) => [r.odataType, r.platformType]).sort()).toEqual([
      ['#microsoft.graph.deviceEnrollmentPlatformRestrictionConfiguration', 'android'],
      ['#microsoft.graph.deviceEnrollmentPlatformRestrictionConfiguration', 'androidForWork'],
    ]);
    expect(new Set(rows.map((r) => r.odataType)).size).toBeGreaterThanOrEqual(5);
    const other = await t.db.inventoryItem.findMany({ where: { tenantId: bed.tenant.id, family: { not: 'deviceEnrollmentConfigurations' } }, select: { platformType: true, priority: true } });
    expect(other.every((r) => r.platformType === null && r.priority === null)).toBe(true);
  });

  it('a second sync after changes in Intune: changed hashes updated, removed items marked (not deleted), added ones inserted, nothing duplicated', async () => {
    const bed = await startBed(t, boss, { items: 300 });
    expect((await bed.sync('inventory.sync')).status).toBe('succeeded');
    const state = bed.sim.state;
    const served = state.tenant(bed.entraTenantId).intune;
    const changed = [['deviceConfigurations', served.deviceConfigurations[3]!.id], ['configurationPolicies', served.configurationPolicies[0]!.id], ['deviceEnrollmentConfigurations', served.deviceEnrollmentConfigurations[6]!.id]] as const;
    const removed = [['deviceCompliancePolicies', served.deviceCompliancePolicies[1]!.id], ['deviceManagementScripts', served.deviceManagementScripts[0]!.id]] as const;
    const before = new Map((await t.db.inventoryItem.findMany({ where: { tenantId: bed.tenant.id } })).map((r) => [`${r.family}/${r.graphId}`, r]));
    state.changeIntuneItem(bed.entraTenantId, 'deviceConfigurations', changed[0][1], { displayName: 'Renamed in Intune', version: 99 });
    state.changeIntuneItem(bed.entraTenantId, 'configurationPolicies', changed[1][1], { settings: [] , settingCount: 0 });
    state.changeIntuneItem(bed.entraTenantId, 'deviceEnrollmentConfigurations', changed[2][1], { priority: 42 });
    for (const [family, id] of removed) state.removeIntuneItem(bed.entraTenantId, family, id);
    state.addIntuneItems(bed.entraTenantId, 'mobileAppConfigurations', [{ id: 'added-after-first-sync', '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'New app config', assignments: [] }]);

    const second = await bed.sync('inventory.sync');

    expect(second.status).toBe('succeeded');
    expect(second.summary).toMatchObject({ items: 299, added: 1, updated: 3, removed: 2, failed_families: [] });
    const after = await t.db.inventoryItem.findMany({ where: { tenantId: bed.tenant.id } });
    expect(after).toHaveLength(301);
    expect(new Set(after.map((r) => `${r.family}/${r.graphId}`)).size).toBe(301);
    for (const [family, id] of changed) {
      const row = after.find((r) => r.family === family && r.graphId === id)!;
      expect(row.payloadHash).not.toBe(before.get(`${family}/${id}`)!.payloadHash);
      expect(row.payloadHash).toBe(expectedRow(family, state.intuneItem(bed.entraTenantId, family, id)).payloadHash);
    }
    expect(after.find((r) => r.graphId === changed[0][1])!.displayName).toBe('Renamed in Intune');
    expect(after.find((r) => r.graphId === changed[2][1])!.priority).toBe(42);
    for (const [family, id] of removed) {
      const row = after.find((r) => r.family === family && r.graphId === id)!;
      expect(row.removedAt).not.toBeNull();
      expect(row.lastSeenRunId).toBe(before.get(`${family}/${id}`)!.lastSeenRunId);
    }
    expect(after.filter((r) => r.removedAt !== null)).toHaveLength(2);
    const untouched = after.filter((r) => r.removedAt === null && before.has(`${r.family}/${r.graphId}`) && !changed.some(([, id]) => id === r.graphId));
    expect(untouched.every((r) => r.payloadHash === before.get(`${r.family}/${r.graphId}`)!.payloadHash && r.lastSeenRunId === second.id)).toBe(true);
    for (const family of simFamilyNames) await expectFamilyMirrors(bed, family);
  });

  it('a family that fails on the next sync keeps its rows: removed_at is never set from an incomplete read', async () => {
    const bed = await startBed(t, boss, { items: 200 });
    expect((await bed.sync('inventory.sync')).status).toBe('succeeded');
    const scripts = await activeRows(bed, 'deviceManagementScripts');
    bed.sim.state.tenant(bed.entraTenantId).intune.deviceManagementScripts.splice(0);
    // Scripts now refuse the app, and the family is empty besides: a failed read must not look like "all deleted".
    bed.sim.state.addFault({ path: '/graph/beta/deviceManagement/deviceManagementScripts', status: 403, scopes: ['DeviceManagementScripts.Read.All', 'DeviceManagementScripts.ReadWrite.All'] });

    const second = await bed.sync('inventory.sync');

    expect(second.status).toBe('partially_succeeded');
    expect(runFailures(second)).toEqual([expect.objectContaining({ reason_code: 'provider_permission_denied', detail: expect.objectContaining({ family: 'deviceManagementScripts', scopes: ['DeviceManagementScripts.Read.All', 'DeviceManagementScripts.ReadWrite.All'] }) })]);
    expect(scripts.length).toBeGreaterThan(0);
    expect(await activeRows(bed, 'deviceManagementScripts')).toHaveLength(scripts.length);
  });

  it('Intune throttling (429 + Retry-After) is waited out: the run succeeds, progress shows in the summary meanwhile, no request exceeds the budget', async () => {
    const bed = await startBed(t, boss, { items: 150, intuneThrottle: { requests: 25, windowSeconds: 2 } });
    const runPromise = bed.sync('inventory.sync');
    const midway = await waitFor(async () => {
      const run = await t.db.operationRun.findFirst({ where: { tenantId: bed.tenant.id, type: 'inventory.sync' } });
      const summary = run?.summary as { items?: number } | undefined;
      return run?.status === 'running' && (summary?.items ?? 0) > 0 && bed.sim.requestLog.some((r) => r.status === 429) ? run : null;
    }, { timeoutMs: 30_000, what: 'a throttled run with progress' });
    const run = await runPromise;

    expect(midway.summary).toMatchObject({ families_total: 7 });
    expect(run.status).toBe('succeeded');
    expect(run.summary).toMatchObject({ items: 150, failed_families: [] });
    expect(run.result).toMatchObject({ graph: { throttled: expect.any(Number) } });
    const intune = bed.sim.requestLog.filter((r) => /^\/graph\/[^/]+\/device(Management|AppManagement)\//.test(r.path)).sort((a, b) => a.at - b.at);
    const throttled = intune.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    // Honoured: each refused request was sent again only after its Retry-After (>= 1 s), and succeeded.
    const key = (r: (typeof intune)[number]) => `${r.path}?${JSON.stringify(r.query)}`;
    for (const refusal of throttled) {
      const retry = intune.find((r) => r.at >= refusal.at && r !== refusal && key(r) === key(refusal));
      expect(retry, key(refusal)).toBeDefined();
      expect(retry!.at - refusal.at).toBeGreaterThanOrEqual(990);
    }
    expect(intune.filter((r) => r.status === 200)).toHaveLength(new Set(intune.map(key)).size);
    // At most one refusal per request in flight per window: the client does not hammer.
    expect(throttled.length).toBeLessThanOrEqual(itemConcurrency * (Math.ceil(intune.length / 25) + 1));
  });
});
