import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildPlan, type PlanBackupItem, type PlanInventoryItem } from '../../services/restores/plan.ts';
import { groupIndex, type CachedGroup } from '../../services/restores/assignments.ts';
import { matchKey, platformTypeOf } from '../../services/restores/families.ts';
import { assignBody, writeBody } from '../../services/restores/write-body.ts';

const limitType = '#microsoft.graph.deviceEnrollmentLimitConfiguration';
const restrictionType = '#microsoft.graph.deviceEnrollmentPlatformRestrictionConfiguration';
const whfbType = '#microsoft.graph.deviceEnrollmentWindowsHelloForBusinessConfiguration';
const winConfig = '#microsoft.graph.windows10GeneralConfiguration';
const iosConfig = '#microsoft.graph.iosGeneralDeviceConfiguration';

function backup(family: string, odataType: string, displayName: string | null, extra: Record<string, unknown> = {}, assignments: unknown[] = []): PlanBackupItem {
  const graphId = randomUUID();
  return { id: randomUUID(), family, graphId, odataType, displayName, payload: { id: graphId, '@odata.type': odataType, displayName, ...extra }, payloadHash: randomUUID(), assignments };
}

function existing(family: string, odataType: string, displayName: string, extra: Record<string, unknown> = {}, payloadHash: string = randomUUID()): PlanInventoryItem {
  const graphId = randomUUID();
  const payload = { id: graphId, '@odata.type': odataType, displayName, ...extra };
  return { id: randomUUID(), family, graphId, odataType, displayName, platformType: platformTypeOf(family, payload), priority: typeof extra.priority === 'number' ? extra.priority : null, payload, payloadHash };
}

const noGroups = groupIndex([]);
const groupTarget = (groupId: string) => ({ id: `a_${groupId}`, target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId } });

describe('restore plan classification (services/restores/plan.ts)', () => {
  it('one existing item with the same type and name: update in place, or unchanged when the content hash is equal', () => {
    const changed = backup('deviceConfigurations', winConfig, 'Baseline');
    const same = backup('deviceCompliancePolicies', '#microsoft.graph.windows10CompliancePolicy', 'Compliance');
    const target = existing('deviceConfigurations', winConfig, 'Baseline');
    const twin = existing('deviceCompliancePolicies', '#microsoft.graph.windows10CompliancePolicy', 'Compliance', {}, same.payloadHash);
    const { items, counts } = buildPlan({ backupItems: [changed, same], inventory: [target, twin], groups: noGroups });
    expect(items.map((i) => [i.class, i.reason_key, i.target?.graph_id])).toEqual([['update', 'matched', target.graphId], ['unchanged', 'same_content', twin.graphId]]);
    expect(counts).toEqual({ create: 0, update: 1, unchanged: 1, conflict: 0, ambiguous: 0, skipped: 0 });
  });

  it('no existing item with the key: create; a same-named configuration of another type is not a match', () => {
    const item = backup('deviceConfigurations', winConfig, 'Baseline');
    const { items } = buildPlan({ backupItems: [item], inventory: [existing('deviceConfigurations', iosConfig, 'Baseline')], groups: noGroups });
    expect(items[0]).toMatchObject({ class: 'create', reason_key: 'new', target: null });
  });

  it('enrollment configuration of the same name but another @odata.type: conflict (type collision) naming the existing type, never overwritten', () => {
    const item = backup('deviceEnrollmentConfigurations', limitType, 'Corporate devices', { priority: 2 });
    const other = existing('deviceEnrollmentConfigurations', whfbType, 'Corporate devices', { priority: 1 });
    const { items } = buildPlan({ backupItems: [item], inventory: [other], groups: noGroups });
    expect(items[0]).toMatchObject({ class: 'conflict', reason_key: 'type_collision', target: null, candidates: [{ graph_id: other.graphId, odata_type: whfbType }] });
    expect(items[0]?.reason).toContain(whfbType);
  });

  it('an exact match wins over a same-named item of another type (defaults share "All users and all devices")', () => {
    const item = backup('deviceEnrollmentConfigurations', limitType, 'All users and all devices', { priority: 0 });
    const limit = existing('deviceEnrollmentConfigurations', limitType, 'All users and all devices', { priority: 0 });
    const whfb = existing('deviceEnrollmentConfigurations', whfbType, 'All users and all devices', { priority: 0 });
    const { items } = buildPlan({ backupItems: [item], inventory: [limit, whfb], groups: noGroups });
    expect(items[0]).toMatchObject({ class: 'update', is_default: true, target: { graph_id: limit.graphId } });
  });

  it('a default configuration (priority 0) without a matching default: conflict, never created', () => {
    const item = backup('deviceEnrollmentConfigurations', limitType, 'All users and all devices', { priority: 0 });
    const { items } = buildPlan({ backupItems: [item], inventory: [], groups: noGroups });
    expect(items[0]).toMatchObject({ class: 'conflict', reason_key: 'default_not_found', is_default: true });
  });

  it('split Android restrictions sharing one name by design are matched per platform type, not ambiguous', () => {
    const android = backup('deviceEnrollmentConfigurations', restrictionType, 'Android restrictions', { platformType: 'android', priority: 1 });
    const work = backup('deviceEnrollmentConfigurations', restrictionType, 'Android restrictions', { platformType: 'androidForWork', priority: 2 });
    const targets = [existing('deviceEnrollmentConfigurations', restrictionType, 'Android restrictions', { platformType: 'android', priority: 1 }), existing('deviceEnrollmentConfigurations', restrictionType, 'Android restrictions', { platformType: 'androidForWork', priority: 2 })];
    const { items } = buildPlan({ backupItems: [android, work], inventory: targets, groups: noGroups });
    expect(items.map((i) => [i.class, i.platform_type, i.target?.graph_id])).toEqual([['update', 'android', targets[0]?.graphId], ['update', 'androidForWork', targets[1]?.graphId]]);
  });

  it('several existing items with the same key: ambiguous, listing every candidate, nothing to write', () => {
    const item = backup('deviceConfigurations', winConfig, 'Baseline', {}, [groupTarget(randomUUID())]);
    const twins = [existing('deviceConfigurations', winConfig, 'Baseline'), existing('deviceConfigurations', winConfig, 'Baseline')];
    const { items } = buildPlan({ backupItems: [item], inventory: twins, groups: noGroups });
    expect(items[0]).toMatchObject({ class: 'ambiguous', reason_key: 'duplicate_in_tenant', target: null, assignments: [], warnings: [] });
    expect(items[0]?.candidates.map((c) => c.graph_id).sort()).toEqual(twins.map((t) => t.graphId).sort());
  });

  it('two backed-up items with the same key: both ambiguous (one create each would duplicate)', () => {
    const { items } = buildPlan({ backupItems: [backup('deviceConfigurations', winConfig, 'Dup'), backup('deviceConfigurations', winConfig, 'Dup')], inventory: [], groups: noGroups });
    expect(items.map((i) => [i.class, i.reason_key])).toEqual([['ambiguous', 'duplicate_in_backup'], ['ambiguous', 'duplicate_in_backup']]);
  });

  it('families other than the three: skipped, "not supported yet"; an item without a name: skipped', () => {
    const { items } = buildPlan({ backupItems: [backup('deviceManagementScripts', '#microsoft.graph.deviceManagementScript', 'Set time zone'), backup('deviceConfigurations', winConfig, null)], inventory: [], groups: noGroups });
    expect(items.map((i) => [i.class, i.reason_key])).toEqual([['skipped', 'not_supported'], ['skipped', 'no_display_name']]);
    expect(items[0]?.reason).toBe('deviceManagementScripts: not supported yet.');
  });

  it('an assignment whose group is missing or removed: dropped with a warning naming the group; the item still restores with the rest', () => {
    const kept = randomUUID();
    const removed = randomUUID();
    const unknown = randomUUID();
    const groups: CachedGroup[] = [{ groupId: kept, displayName: 'Pilot ring', removedAt: null }, { groupId: removed, displayName: 'Old pilots', removedAt: new Date() }];
    const allDevices = { target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } };
    const item = backup('deviceConfigurations', winConfig, 'Baseline', {}, [groupTarget(kept.toUpperCase()), groupTarget(removed), groupTarget(unknown), allDevices]);
    const { items } = buildPlan({ backupItems: [item], inventory: [], groups: groupIndex(groups) });
    expect(items[0]).toMatchObject({ class: 'create', dropped_groups: [{ group_id: removed, group_name: 'Old pilots', why: 'removed' }, { group_id: unknown, group_name: null, why: 'missing' }] });
    expect(items[0]?.assignments.map((a) => a.target.groupId ?? a.target['@odata.type'])).toEqual([kept.toUpperCase(), '#microsoft.graph.allDevicesAssignmentTarget']);
    expect(items[0]?.warnings[0]).toContain('"Old pilots"');
    expect(items[0]?.warnings[1]).toContain(unknown);
  });

  it('property: every item gets exactly one class; no create or update where the key is taken twice; never a create of a default', () => {
    const names = fc.constantFrom('A', 'B', 'All users and all devices');
    const types = fc.constantFrom(limitType, whfbType, restrictionType);
    const families = fc.constantFrom('deviceEnrollmentConfigurations', 'deviceConfigurations', 'deviceManagementScripts');
    const spec = fc.record({ family: families, type: types, name: names, priority: fc.constantFrom(0, 1, 2), platform: fc.constantFrom('android', 'ios') });
    fc.assert(fc.property(fc.array(spec, { maxLength: 8 }), fc.array(spec, { maxLength: 8 }), (backups, existingSpecs) => {
      const backupItems = backups.map((b) => backup(b.family, b.type, b.name, { priority: b.priority, platformType: b.platform }));
      const inventory = existingSpecs.map((e) => existing(e.family, e.type, e.name, { priority: e.priority, platformType: e.platform }));
      const { items, counts } = buildPlan({ backupItems, inventory, groups: noGroups });
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(backupItems.length);
      const keyCount = (i: (typeof items)[number]) => inventory.filter((e) => e.displayName !== null && matchKey({ family: e.family, odataType: e.odataType, platformType: e.platformType, displayName: e.displayName }) === matchKey({ family: i.family, odataType: i.odata_type, platformType: i.platform_type, displayName: i.display_name ?? '' })).length;
      for (const item of items) {
        if (item.class === 'create') expect(item.is_default || keyCount(item) > 0).toBe(false);
        if (item.class === 'create' || item.class === 'update') expect(keyCount(item)).toBeLessThanOrEqual(1);
      }
    }));
  });
});

describe('restore write bodies (services/restores/write-body.ts)', () => {
  it('read-only fields and an enrollment priority are never sent; @odata.type stays', () => {
    const payload = { id: 'x', '@odata.type': limitType, displayName: 'Limit', priority: 3, limit: 5, createdDateTime: 'c', lastModifiedDateTime: 'm', version: 2 };
    expect(writeBody('deviceEnrollmentConfigurations', payload)).toEqual({ '@odata.type': limitType, displayName: 'Limit', limit: 5 });
    expect(writeBody('deviceConfigurations', { ...payload, '@odata.type': winConfig })).toMatchObject({ priority: 3 });
  });

  it('enrollment configurations assign through enrollmentConfigurationAssignments, the others through assignments', () => {
    const target = { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' };
    expect(assignBody('deviceEnrollmentConfigurations', [{ target }])).toEqual({ enrollmentConfigurationAssignments: [{ target }] });
    expect(assignBody('deviceCompliancePolicies', [{ target }])).toEqual({ assignments: [{ target }] });
  });
});
