import type { Db } from '../db/client.ts';

/**
 * Reads of the inventory and groups caches. Everything that shows policies or names groups
 * (cards, CLI, restore previews) reads these, never Graph.
 */
export interface InventoryListItem {
  family: string;
  graphId: string;
  odataType: string | null;
  displayName: string | null;
  platformType: string | null;
  priority: number | null;
  /** null when the family's list cannot expand assignments (not cached). */
  assignmentCount: number | null;
  payloadHash: string;
  lastSeenAt: Date;
  removedAt: Date | null;
}

export interface InventoryFilter {
  tenantId: string;
  family?: string;
  /** Also rows marked removed (gone from Intune since an earlier sync). */
  includeRemoved?: boolean;
}

export async function listInventory(db: Db, filter: InventoryFilter): Promise<InventoryListItem[]> {
  const rows = await db.inventoryItem.findMany({
    where: { tenantId: filter.tenantId, ...(filter.family ? { family: filter.family } : {}), ...(filter.includeRemoved ? {} : { removedAt: null }) },
    orderBy: [{ family: 'asc' }, { displayName: 'asc' }, { graphId: 'asc' }],
    select: { family: true, graphId: true, odataType: true, displayName: true, platformType: true, priority: true, assignments: true, payloadHash: true, lastSeenAt: true, removedAt: true },
  });
  return rows.map(({ assignments, ...row }) => ({ ...row, assignmentCount: Array.isArray(assignments) ? assignments.length : null }));
}

export interface GroupListItem {
  groupId: string;
  displayName: string | null;
  mail: string | null;
  securityEnabled: boolean | null;
  groupTypes: string[];
  lastSeenAt: Date;
  removedAt: Date | null;
}

const groupSelect = { groupId: true, displayName: true, mail: true, securityEnabled: true, groupTypes: true, lastSeenAt: true, removedAt: true } as const;

export async function listGroups(db: Db, filter: { tenantId: string; includeRemoved?: boolean; search?: string }): Promise<GroupListItem[]> {
  return db.directoryGroup.findMany({
    where: {
      tenantId: filter.tenantId, ...(filter.includeRemoved ? {} : { removedAt: null }),
      ...(filter.search ? { displayName: { contains: filter.search, mode: 'insensitive' as const } } : {}),
    },
    orderBy: [{ displayName: 'asc' }, { groupId: 'asc' }],
    select: groupSelect,
  });
}

/**
 * The cached groups for these ids (e.g. an assignment's targets on a card). Ids missing from
 * the result are unknown to the cache; a row with removedAt is a group deleted in Entra.
 */
export async function lookupGroups(db: Db, tenantId: string, groupIds: string[]): Promise<Map<string, GroupListItem>> {
  if (groupIds.length === 0) return new Map();
  const rows = await db.directoryGroup.findMany({ where: { tenantId, groupId: { in: [...new Set(groupIds)] } }, select: groupSelect });
  return new Map(rows.map((r) => [r.groupId, r]));
}
