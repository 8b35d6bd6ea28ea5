import { AppError } from '../errors.ts';
import { Prisma, type Db } from '../db/client.ts';
import { jsonRow } from '../db/json-rows.ts';
import type { OperationRun } from './run-types.ts';

const fullId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const shortId = /^[0-9a-f]{6,8}$/;

/**
 * A run looked up within one tenant (chat) or anywhere (the CLI, the server operator's
 * tool). Short ids (the first 6-8 hex characters shown on cards) are accepted when
 * they match one run only.
 */
export async function findRun(db: Db, ref: string, tenantId?: string): Promise<OperationRun> {
  const value = ref.trim().toLowerCase();
  if (!fullId.test(value) && !shortId.test(value)) {
    throw new AppError('invalid_input', `"${ref}" is not a run id (a UUID, or the first 8 characters of one).`);
  }
  const tenantFilter = tenantId ? Prisma.sql`AND tenant_id = ${tenantId}::uuid` : Prisma.empty;
  // The whole row in the same statement (to_jsonb): every card refresh and chat `run` reads this.
  const rows = fullId.test(value)
    ? await db.$queryRaw<{ run: unknown }[]>`SELECT to_jsonb(r) AS run FROM operation_runs r WHERE id = ${value}::uuid ${tenantFilter}`
    : await db.$queryRaw<{ run: unknown }[]>`
        SELECT to_jsonb(r) AS run FROM operation_runs r
        WHERE id BETWEEN ${`${value.padEnd(8, '0')}-0000-0000-0000-000000000000`}::uuid AND ${`${value.padEnd(8, 'f')}-ffff-ffff-ffff-ffffffffffff`}::uuid
        ${tenantFilter} LIMIT 2`;
  if (rows.length > 1) throw new AppError('invalid_input', `"${ref}" matches several runs; give more characters.`);
  const [row] = rows;
  if (!row) throw new AppError('not_found', `No run ${ref}${tenantId ? ' in this tenant' : ''}.`);
  return jsonRow.run(row.run);
}

export function listRuns(db: Db, options: { tenantId?: string; limit?: number; type?: string }): Promise<OperationRun[]> {
  return db.operationRun.findMany({
    where: { ...(options.tenantId ? { tenantId: options.tenantId } : {}), ...(options.type ? { type: options.type } : {}) },
    orderBy: { createdAt: 'desc' },
    take: options.limit ?? 20,
  });
}
