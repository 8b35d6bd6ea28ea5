import type { Db, Tx } from '../db/client.ts';

/**
 * One group as a delta page reports it. Absent keys are left as cached: Graph's delta may
 * send only what changed for an updated group.
 */
export interface GroupRow {
  groupId: string;
  displayName?: string | null;
  mail?: string | null;
  securityEnabled?: boolean | null;
  groupTypes?: string[];
}

/** The sync_cursors resource holding the groups deltaLink. */
export const groupsCursorResource = 'directory_groups';

/**
 * Applies one page of present groups: existing rows get the keys present (and are no longer
 * removed), new ones are inserted. `seenAt` marks this attempt (see markUnseenGroupsRemoved).
 */
export async function upsertGroups(db: Db, tenantId: string, seenAt: Date, rows: GroupRow[]): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(rows);
  await db.$executeRaw`
    UPDATE directory_groups d SET
      display_name = CASE WHEN g ? 'displayName' THEN g->>'displayName' ELSE d.display_name END,
      mail = CASE WHEN g ? 'mail' THEN g->>'mail' ELSE d.mail END,
      security_enabled = CASE WHEN g ? 'securityEnabled' THEN (g->>'securityEnabled')::boolean ELSE d.security_enabled END,
      group_types = CASE WHEN g ? 'groupTypes' THEN ARRAY(SELECT jsonb_array_elements_text(g->'groupTypes')) ELSE d.group_types END,
      last_seen_at = ${seenAt}, removed_at = NULL, updated_at = now()
    FROM jsonb_array_elements(${json}::jsonb) AS g
    WHERE d.tenant_id = ${tenantId}::uuid AND d.group_id = g->>'groupId'`;
  await db.$executeRaw`
    INSERT INTO directory_groups (id, tenant_id, group_id, display_name, mail, security_enabled, group_types, last_seen_at, updated_at)
    SELECT gen_random_uuid(), ${tenantId}::uuid, g->>'groupId', g->>'displayName', g->>'mail', (g->>'securityEnabled')::boolean,
      CASE WHEN g ? 'groupTypes' THEN ARRAY(SELECT jsonb_array_elements_text(g->'groupTypes')) ELSE '{}'::text[] END, ${seenAt}, now()
    FROM jsonb_array_elements(${json}::jsonb) AS g
    ON CONFLICT (tenant_id, group_id) DO NOTHING`;
}

/** Groups the delta reports deleted (`@removed`): marked, never deleted. */
export async function markGroupsRemoved(db: Db, tenantId: string, groupIds: string[]): Promise<number> {
  if (groupIds.length === 0) return 0;
  return db.$executeRaw`
    UPDATE directory_groups SET removed_at = now(), updated_at = now()
    WHERE tenant_id = ${tenantId}::uuid AND group_id = ANY(${groupIds}::text[]) AND removed_at IS NULL`;
}

/** After a COMPLETE full sync: groups it did not see were deleted while no delta was kept. */
export async function markUnseenGroupsRemoved(db: Db, tenantId: string, seenAt: Date): Promise<number> {
  return db.$executeRaw`
    UPDATE directory_groups SET removed_at = now(), updated_at = now()
    WHERE tenant_id = ${tenantId}::uuid AND removed_at IS NULL AND last_seen_at <> ${seenAt}`;
}

export async function readSyncCursor(db: Db, tenantId: string, resource: string): Promise<string | null> {
  const row = await db.syncCursor.findUnique({ where: { tenantId_resource: { tenantId, resource } }, select: { cursor: true } });
  return row?.cursor ?? null;
}

/** Written with the run's final status, so a cancelled or superseded run never advances it. */
export async function writeSyncCursor(tx: Db | Tx, tenantId: string, resource: string, cursor: string | null, detail: Record<string, unknown>): Promise<void> {
  await tx.syncCursor.upsert({
    where: { tenantId_resource: { tenantId, resource } },
    create: { tenantId, resource, cursor, detail: detail as object },
    update: { cursor, detail: detail as object },
  });
}
