import type { Db } from '../db/client.ts';

/** One Intune object as the inventory caches it. */
export interface InventoryRow {
  graphId: string;
  odataType: string | null;
  displayName: string | null;
  platformType: string | null;
  priority: number | null;
  payload: Record<string, unknown>;
  payloadHash: string;
  /** null: the family's list cannot expand assignments, so the inventory does not know them. */
  assignments: unknown[] | null;
}

/**
 * Which sync attempt wrote a row. `seenAt` is unique per attempt: a row whose last_seen_at
 * differs was not seen by this attempt (a retried run of the same id included).
 */
export interface SyncMark {
  tenantId: string;
  family: string;
  runId: string;
  seenAt: Date;
}

export interface PageChanges {
  added: number;
  updated: number;
  unchanged: number;
}

/**
 * Upserts one page: rows whose hash is unchanged only get their last-seen marks; new,
 * changed and reappearing rows are written whole (removed_at cleared). Three statements
 * per page at most, whatever the tenant's size; one when the caller knows every row is new
 * (`knownNew`, the family had no row: a conflict would still update, never duplicate).
 */
export async function upsertInventoryPage(db: Db, mark: SyncMark, rows: InventoryRow[], options?: { knownNew?: boolean }): Promise<PageChanges> {
  if (rows.length === 0) return { added: 0, updated: 0, unchanged: 0 };
  const { tenantId, family, runId, seenAt } = mark;
  if (options?.knownNew) {
    await writeRows(db, mark, rows);
    return { added: rows.length, updated: 0, unchanged: 0 };
  }
  const existing = await db.$queryRaw<{ graph_id: string; payload_hash: string; removed: boolean }[]>`
    SELECT graph_id, payload_hash, removed_at IS NOT NULL AS removed FROM inventory_items
    WHERE tenant_id = ${tenantId}::uuid AND family = ${family} AND graph_id = ANY(${rows.map((r) => r.graphId)}::text[])`;
  const known = new Map(existing.map((e) => [e.graph_id, e]));
  const same = rows.filter((r) => known.get(r.graphId)?.payload_hash === r.payloadHash && !known.get(r.graphId)?.removed);
  const sameIds = new Set(same.map((r) => r.graphId));
  const writes = rows.filter((r) => !sameIds.has(r.graphId));
  if (same.length > 0) {
    await db.$executeRaw`
      UPDATE inventory_items SET last_seen_at = ${seenAt}, last_seen_run_id = ${runId}::uuid
      WHERE tenant_id = ${tenantId}::uuid AND family = ${family} AND graph_id = ANY(${same.map((r) => r.graphId)}::text[])`;
  }
  if (writes.length > 0) await writeRows(db, mark, writes);
  const added = writes.filter((r) => !known.has(r.graphId) || known.get(r.graphId)?.removed).length;
  return { added, updated: writes.length - added, unchanged: same.length };
}

async function writeRows(db: Db, { tenantId, family, runId, seenAt }: SyncMark, rows: InventoryRow[]): Promise<void> {
  const json = JSON.stringify(rows.map((r) => ({
    graph_id: r.graphId, odata_type: r.odataType, display_name: r.displayName, platform_type: r.platformType, priority: r.priority,
    payload: r.payload, payload_hash: r.payloadHash, assignments: r.assignments,
  })));
  await db.$executeRaw`
    INSERT INTO inventory_items (id, tenant_id, family, graph_id, odata_type, display_name, platform_type, priority, payload, payload_hash,
      assignments, last_seen_at, last_seen_run_id, removed_at, updated_at)
    SELECT gen_random_uuid(), ${tenantId}::uuid, ${family}, x.graph_id, x.odata_type, x.display_name, x.platform_type, x.priority, x.payload,
      x.payload_hash, COALESCE(x.assignments, 'null'::jsonb), ${seenAt}, ${runId}::uuid, NULL, now()
    FROM jsonb_to_recordset(${json}::jsonb) AS x(graph_id text, odata_type text, display_name text, platform_type text, priority int,
      payload jsonb, payload_hash text, assignments jsonb)
    ON CONFLICT (tenant_id, family, graph_id) DO UPDATE SET
      odata_type = EXCLUDED.odata_type, display_name = EXCLUDED.display_name, platform_type = EXCLUDED.platform_type,
      priority = EXCLUDED.priority, payload = EXCLUDED.payload, payload_hash = EXCLUDED.payload_hash, assignments = EXCLUDED.assignments,
      last_seen_at = EXCLUDED.last_seen_at, last_seen_run_id = EXCLUDED.last_seen_run_id, removed_at = NULL, updated_at = now()`;
}

/** No row of this family is cached for the tenant (removed ones included). */
export async function familyIsEmpty(db: Db, tenantId: string, family: string): Promise<boolean> {
  return (await db.inventoryItem.findFirst({ where: { tenantId, family }, select: { id: true } })) === null;
}

/**
 * After a COMPLETE read of one family: what that read did not see is gone from Intune.
 * Never called for a family whose read failed; rows are marked, never deleted.
 */
export async function markUnseenItemsRemoved(db: Db, { tenantId, family, seenAt }: SyncMark): Promise<number> {
  return db.$executeRaw`
    UPDATE inventory_items SET removed_at = now(), updated_at = now()
    WHERE tenant_id = ${tenantId}::uuid AND family = ${family} AND removed_at IS NULL AND last_seen_at <> ${seenAt}`;
}
