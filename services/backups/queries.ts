import { AppError } from '../errors.ts';
import type { Db } from '../db/client.ts';

export function listBackupSets(db: Db, options: { tenantId?: string; limit?: number }) {
  return db.backupSet.findMany({
    where: options.tenantId ? { tenantId: options.tenantId } : {},
    orderBy: { createdAt: 'desc' },
    take: options.limit ?? 20,
  });
}

/** A backup set with its item count per family (items themselves stay in the database). */
export async function showBackupSet(db: Db, id: string, tenantId?: string) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new AppError('invalid_input', `"${id}" is not a backup id.`);
  const set = await db.backupSet.findFirst({ where: { id, ...(tenantId ? { tenantId } : {}) } });
  if (!set) throw new AppError('not_found', `No backup ${id}.`);
  const perFamily = await db.backupItem.groupBy({ by: ['family'], where: { backupSetId: id }, _count: { _all: true } });
  const restores = await db.restoreRun.count({ where: { backupSetId: id } });
  return { ...set, itemsPerFamily: Object.fromEntries(perFamily.map((f) => [f.family, f._count._all])), referencedByRestores: restores };
}

export function listSchedules(db: Db, tenantId?: string) {
  return db.backupSchedule.findMany({ where: tenantId ? { tenantId } : {}, orderBy: [{ tenantId: 'asc' }, { name: 'asc' }] });
}
