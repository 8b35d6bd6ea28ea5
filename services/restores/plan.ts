import { droppedGroupWarning, mapAssignments, type CachedGroup } from './assignments.ts';
import { isDefaultConfiguration, isRestoreFamily, matchKey, platformTypeOf, priorityOf } from './families.ts';
import { countPlan, type PlanClass, type PlanCounts, type PlanItem, type PlanReason, type PlanTarget } from './plan-schema.ts';

/** A backed-up policy (backup_items row). */
export interface PlanBackupItem {
  id: string;
  family: string;
  graphId: string;
  odataType: string | null;
  displayName: string | null;
  payload: unknown;
  payloadHash: string;
  assignments: unknown;
}

/** A policy of the latest inventory of the same tenant (inventory_items row, not removed). */
export interface PlanInventoryItem {
  id: string;
  family: string;
  graphId: string;
  odataType: string | null;
  displayName: string | null;
  platformType: string | null;
  priority: number | null;
  payload: unknown;
  payloadHash: string;
}

export interface PlanInput {
  backupItems: readonly PlanBackupItem[];
  inventory: readonly PlanInventoryItem[];
  /** The groups cache, keyed by lower-case group id (see groupIndex). */
  groups: ReadonlyMap<string, CachedGroup>;
}

export interface Plan {
  items: PlanItem[];
  counts: PlanCounts;
}

interface Existing extends PlanTarget {
  key: string;
  family: string;
  payloadHash: string;
}

function existing(row: PlanInventoryItem): Existing {
  const platformType = row.platformType ?? platformTypeOf(row.family, row.payload);
  const modified = (row.payload as Record<string, unknown> | null)?.lastModifiedDateTime;
  return {
    inventory_item_id: row.id, graph_id: row.graphId, display_name: row.displayName, odata_type: row.odataType, platform_type: platformType,
    last_modified: typeof modified === 'string' ? modified : null,
    key: row.displayName === null ? '' : matchKey({ family: row.family, odataType: row.odataType, platformType, displayName: row.displayName }),
    family: row.family, payloadHash: row.payloadHash,
  };
}

function target(e: Existing): PlanTarget {
  return { inventory_item_id: e.inventory_item_id, graph_id: e.graph_id, display_name: e.display_name, odata_type: e.odata_type, platform_type: e.platform_type, last_modified: e.last_modified };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}

type Decision = { class: PlanClass; reason_key: PlanReason; reason: string; target?: Existing; candidates?: Existing[] };

/**
 * Classifies each backed-up item against the latest inventory (pure: the handler feeds it
 * rows). Same type + platform + name, exactly one: update (or unchanged when the content hash
 * is equal); none: create, except a default configuration (update in place only) and an
 * enrollment configuration whose name is taken by another type (type collision: never
 * overwritten); several, in the tenant or in the backup: ambiguous, never guessed.
 */
export function buildPlan(input: PlanInput): Plan {
  const inventory = input.inventory.map(existing);
  const byKey = groupBy(inventory, (e) => e.key);
  const byName = groupBy(inventory, (e) => JSON.stringify([e.family, e.display_name]));
  const keyOf = (b: PlanBackupItem) => (b.displayName === null ? '' : matchKey({ family: b.family, odataType: b.odataType, platformType: platformTypeOf(b.family, b.payload), displayName: b.displayName }));
  const backupKeys = groupBy(input.backupItems.filter((b) => isRestoreFamily(b.family) && b.displayName !== null), keyOf);

  const decide = (b: PlanBackupItem, isDefault: boolean): Decision => {
    if (!isRestoreFamily(b.family)) return { class: 'skipped', reason_key: 'not_supported', reason: `${b.family}: not supported yet.` };
    if (b.displayName === null) return { class: 'skipped', reason_key: 'no_display_name', reason: 'The backed-up item has no display name to match on.' };
    const twins = backupKeys.get(keyOf(b)) ?? [];
    if (twins.length > 1) return { class: 'ambiguous', reason_key: 'duplicate_in_backup', reason: `${twins.length} items in the backup share this name and type; restore one by hand.` };
    const matches = byKey.get(keyOf(b)) ?? [];
    if (matches.length > 1) {
      return { class: 'ambiguous', reason_key: 'duplicate_in_tenant', reason: `${matches.length} existing policies share this name and type; none is guessed.`, candidates: matches };
    }
    const [match] = matches;
    if (match) {
      return match.payloadHash === b.payloadHash
        ? { class: 'unchanged', reason_key: 'same_content', reason: 'The existing policy already has the backed-up content.', target: match }
        : { class: 'update', reason_key: 'matched', reason: isDefault ? 'Default configuration: updated in place.' : 'Updates the existing policy in place.', target: match };
    }
    if (isDefault) return { class: 'conflict', reason_key: 'default_not_found', reason: 'A default configuration (priority 0) can only be updated in place, and the tenant has no matching default.' };
    const sameName = b.family === 'deviceEnrollmentConfigurations' ? (byName.get(JSON.stringify([b.family, b.displayName])) ?? []).filter((e) => e.odata_type !== b.odataType) : [];
    if (sameName.length > 0) {
      const types = [...new Set(sameName.map((e) => e.odata_type ?? 'unknown type'))].join(', ');
      return { class: 'conflict', reason_key: 'type_collision', reason: `Type collision: "${b.displayName}" already exists as ${types}; never overwritten.`, candidates: sameName };
    }
    return { class: 'create', reason_key: 'new', reason: 'No policy with this name and type exists: created.' };
  };

  const items = input.backupItems.map((b): PlanItem => {
    const isDefault = isDefaultConfiguration(b.family, priorityOf(b.payload));
    const decision = decide(b, isDefault);
    const writes = decision.class === 'create' || decision.class === 'update';
    const mapped = writes ? mapAssignments(b.assignments, input.groups) : { assignments: [], dropped: [] };
    return {
      backup_item_id: b.id, family: b.family, source_graph_id: b.graphId, odata_type: b.odataType, display_name: b.displayName,
      platform_type: platformTypeOf(b.family, b.payload), is_default: isDefault,
      class: decision.class, reason_key: decision.reason_key, reason: decision.reason,
      target: decision.target ? target(decision.target) : null, candidates: (decision.candidates ?? []).map(target),
      assignments: mapped.assignments, dropped_groups: mapped.dropped, warnings: mapped.dropped.map(droppedGroupWarning),
    };
  });
  return { items, counts: countPlan(items) };
}
