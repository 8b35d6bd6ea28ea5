import { Prisma, type Db } from '../db/client.ts';
import type { BackupSchedule, BackupSet, OperationRun, ProviderConnection, Tenant, TenantMember } from '../db/generated/client.ts';
import { jsonRow } from '../db/json-rows.ts';

/**
 * The reads startRun makes before it writes: the member's current role, each type's
 * prerequisites and the type's active runs. Everything but `member` is scoped to the
 * tenant. Reads requested in the same tick (startRun asks for the member and calls the
 * prerequisites together) travel as ONE statement: one round trip and one pool
 * connection per start, where separate ORM reads took three connections at once and
 * queued behind each other under load. A read requested after an `await` simply goes
 * out in the next batch, so batching changes how many round trips a start costs, never
 * what it reads.
 */
export interface StartReads {
  /** Plain Prisma, for the few checks no batched read covers (restore plans and reports). */
  readonly db: Db;
  member(memberId: string): Promise<TenantMember | null>;
  tenant(): Promise<Tenant | null>;
  defaultConnection(): Promise<ProviderConnection | null>;
  connection(connectionId: string): Promise<ProviderConnection | null>;
  schedule(scheduleId: string): Promise<BackupSchedule | null>;
  run(runId: string): Promise<OperationRun | null>;
  backupSet(backupSetId: string): Promise<BackupSet | null>;
  /** The queued and running runs of one type, newest first (few: their identities are unique). */
  activeRuns(type: string): Promise<OperationRun[]>;
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Pending {
  sql: Prisma.Sql;
  resolve: (json: unknown) => void;
  reject: (error: unknown) => void;
}

/** Collects scalar subqueries (each yields one jsonb value) and runs them as one SELECT. */
function createBatcher(db: Db): (sql: Prisma.Sql) => Promise<unknown> {
  let pending: Pending[] = [];
  async function flush(): Promise<void> {
    const batch = pending;
    pending = [];
    try {
      const columns = Prisma.join(batch.map((read, i) => Prisma.sql`(${read.sql}) AS ${Prisma.raw(`r${i}`)}`));
      const rows = await db.$queryRaw<Record<string, unknown>[]>`SELECT ${columns}`;
      batch.forEach((read, i) => read.resolve(rows[0]?.[`r${i}`] ?? null));
    } catch (error) {
      for (const read of batch) read.reject(error);
    }
  }
  return (sql) =>
    new Promise((resolve, reject) => {
      pending.push({ sql, resolve, reject });
      // After the current synchronous work: every read requested alongside joins the batch.
      if (pending.length === 1) process.nextTick(() => void flush());
    });
}

export function createStartReads(db: Db, tenantId: string): StartReads {
  const load = createBatcher(db);
  // Ids come from validated input or our own rows; anything else cannot match, so it is
  // answered without a query (a failed ::uuid cast would fail the whole batch).
  async function one<T>(id: string, sql: Prisma.Sql, map: (json: unknown) => T): Promise<T | null> {
    if (!uuidShape.test(id) || !uuidShape.test(tenantId)) return null;
    const json = await load(sql);
    return json === null ? null : map(json);
  }
  const tenant = Prisma.sql`${tenantId}::uuid`;
  return {
    db,
    member: (id) => one(id, Prisma.sql`SELECT to_jsonb(m) FROM tenant_members m WHERE m.id = ${id}::uuid`, jsonRow.member),
    tenant: () => one(tenantId, Prisma.sql`SELECT to_jsonb(t) FROM tenants t WHERE t.id = ${tenant}`, jsonRow.tenant),
    defaultConnection: () =>
      one(tenantId, Prisma.sql`SELECT to_jsonb(c) FROM provider_connections c WHERE c.tenant_id = ${tenant} AND c.is_default LIMIT 1`, jsonRow.connection),
    connection: (id) =>
      one(id, Prisma.sql`SELECT to_jsonb(c) FROM provider_connections c WHERE c.id = ${id}::uuid AND c.tenant_id = ${tenant}`, jsonRow.connection),
    schedule: (id) => one(id, Prisma.sql`SELECT to_jsonb(s) FROM backup_schedules s WHERE s.id = ${id}::uuid AND s.tenant_id = ${tenant}`, jsonRow.schedule),
    run: (id) => one(id, Prisma.sql`SELECT to_jsonb(r) FROM operation_runs r WHERE r.id = ${id}::uuid AND r.tenant_id = ${tenant}`, jsonRow.run),
    backupSet: (id) => one(id, Prisma.sql`SELECT to_jsonb(b) FROM backup_sets b WHERE b.id = ${id}::uuid AND b.tenant_id = ${tenant}`, jsonRow.backupSet),
    activeRuns: async (type) => {
      const runs = await one(tenantId, Prisma.sql`
        SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.created_at DESC), '[]'::jsonb) FROM operation_runs r
        WHERE r.tenant_id = ${tenant} AND r.type = ${type} AND r.status IN ('queued', 'running')`, (json) => (Array.isArray(json) ? json.map(jsonRow.run) : []));
      return runs ?? [];
    },
  };
}
