import type { Db } from '../db/client.ts';
import type { BackupSet, RestoreRun } from '../db/generated/client.ts';
import { AppError } from '../errors.ts';

const fullId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const shortId = /^[0-9a-f]{6,8}$/;

/** A UUID, or the first 6-8 hex characters shown on cards: the id range it covers. */
function idRange(ref: string, what: string): { gte: string; lte: string } {
  const value = ref.trim().toLowerCase();
  if (fullId.test(value)) return { gte: value, lte: value };
  if (!shortId.test(value)) throw new AppError('invalid_input', `"${ref}" is not a ${what} id (a UUID, or the first 8 characters of one).`);
  return { gte: `${value.padEnd(8, '0')}-0000-0000-0000-000000000000`, lte: `${value.padEnd(8, 'f')}-ffff-ffff-ffff-ffffffffffff` };
}

function single<T>(rows: T[], ref: string, what: string, where: string): T {
  if (rows.length > 1) throw new AppError('invalid_input', `"${ref}" matches several ${what}s; give more characters.`);
  const [row] = rows;
  if (!row) throw new AppError('not_found', `No ${what} ${ref}${where}.`);
  return row;
}

/** A backup set of this tenant by id or short id (restores stay in the tenant of the backup). */
export async function resolveBackupSet(db: Db, tenantId: string, ref: string): Promise<BackupSet> {
  const rows = await db.backupSet.findMany({ where: { tenantId, id: idRange(ref, 'backup') }, take: 2 });
  return single(rows, ref, 'backup', ' in this tenant');
}

/**
 * A restore plan by its id, or by the id of its preview or execute run (what a run card
 * shows), within one tenant or anywhere (the CLI).
 */
export async function findRestoreRun(db: Db, ref: string, tenantId?: string): Promise<RestoreRun> {
  const range = idRange(ref, 'restore');
  const rows = await db.restoreRun.findMany({
    where: { ...(tenantId ? { tenantId } : {}), OR: [{ id: range }, { previewRunId: range }, { executeRunId: range }] },
    take: 2,
  });
  return single(rows, ref, 'restore plan', tenantId ? ' in this tenant' : '');
}
