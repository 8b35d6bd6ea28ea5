import type { DroppedGroup } from './plan-schema.ts';

/** A directory group as the groups cache holds it. */
export interface CachedGroup {
  groupId: string;
  displayName: string | null;
  removedAt: Date | null;
}

export interface MappedAssignments {
  assignments: { target: Record<string, unknown> }[];
  dropped: DroppedGroup[];
}

function targetOf(assignment: unknown): Record<string, unknown> | null {
  if (assignment === null || typeof assignment !== 'object') return null;
  const target = (assignment as Record<string, unknown>).target;
  return target !== null && typeof target === 'object' ? (target as Record<string, unknown>) : null;
}

/**
 * Same-tenant mapping: group ids are kept when the groups cache knows the group, and an
 * assignment whose group is missing (never seen, or removed since) is dropped with the group
 * named; the rest of the item proceeds (Microsoft365DSC #5371). Targets without a group
 * (all devices, all users) are kept as they are.
 */
export function mapAssignments(raw: unknown, groups: ReadonlyMap<string, CachedGroup>): MappedAssignments {
  const result: MappedAssignments = { assignments: [], dropped: [] };
  for (const assignment of Array.isArray(raw) ? raw : []) {
    const target = targetOf(assignment);
    if (!target) continue;
    const groupId = typeof target.groupId === 'string' ? target.groupId : null;
    if (groupId === null) {
      result.assignments.push({ target: { ...target } });
      continue;
    }
    const cached = groups.get(groupId.toLowerCase());
    if (cached && cached.removedAt === null) result.assignments.push({ target: { ...target } });
    else result.dropped.push({ group_id: groupId, group_name: cached?.displayName ?? null, why: cached ? 'removed' : 'missing' });
  }
  return result;
}

export function groupIndex(groups: readonly CachedGroup[]): Map<string, CachedGroup> {
  return new Map(groups.map((g) => [g.groupId.toLowerCase(), g]));
}

/** The warning a card shows for a dropped assignment: the group named, then what happens. */
export function droppedGroupWarning(group: DroppedGroup): string {
  const name = group.group_name ? `"${group.group_name}" (${group.group_id})` : `${group.group_id} (name unknown: never in the groups cache)`;
  const why = group.why === 'removed' ? 'was deleted from the tenant' : 'is not in the tenant';
  return `Assignment to group ${name} skipped: the group ${why}. The policy itself is restored.`;
}

/** Whether any assignment names a group, so the groups cache matters for this plan. */
export function targetsGroups(raw: unknown): boolean {
  return (Array.isArray(raw) ? raw : []).some((a) => typeof targetOf(a)?.groupId === 'string');
}
