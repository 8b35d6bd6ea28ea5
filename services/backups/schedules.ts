import { AppError } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { BackupSchedule } from '../db/generated/client.ts';
import { violatedIndex } from '../db/client.ts';
import { intuneFamilies } from '../microsoft/contracts/intune.ts';
import { firstSlotAfter } from './slots.ts';

export type { BackupSchedule };

export const backupFamilies: readonly string[] = intuneFamilies;

export interface ScheduleInput {
  tenantId: string;
  name: string;
  cron: string;
  timeZone?: string;
  families?: string[];
  retention?: number;
}

/** Adds a schedule; the first slot is the next one after now (nothing is backfilled). */
export async function addSchedule(db: Db, input: ScheduleInput, now = new Date()): Promise<BackupSchedule> {
  const name = input.name.trim();
  if (!name) throw new AppError('invalid_input', 'The schedule needs a name.');
  const timeZone = input.timeZone ?? 'UTC';
  const families = input.families?.length ? input.families : [...backupFamilies];
  const unknown = families.filter((f) => !backupFamilies.includes(f));
  if (unknown.length) throw new AppError('invalid_input', `Unknown policy families: ${unknown.join(', ')}. Known: ${backupFamilies.join(', ')}.`);
  const retention = input.retention ?? 7;
  if (!Number.isInteger(retention) || retention < 1 || retention > 1000) throw new AppError('invalid_input', 'Retention must be a whole number of backups from 1 to 1000.');
  const nextSlotAt = firstSlotAfter(input.cron, timeZone, now);
  try {
    return await db.backupSchedule.create({
      data: { tenantId: input.tenantId, name, cronExpression: input.cron, timeZone, families, retentionCount: retention, enabled: true, nextSlotAt },
    });
  } catch (error) {
    if (violatedIndex(error)) throw new AppError('invalid_input', `A schedule named "${name}" already exists in this tenant.`);
    throw error;
  }
}

/** A schedule by id or by name within one tenant. */
export async function resolveSchedule(db: Db, tenantId: string | undefined, ref: string): Promise<BackupSchedule> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const matches = await db.backupSchedule.findMany({
    where: { ...(tenantId ? { tenantId } : {}), OR: [...(isUuid ? [{ id: ref }] : []), { name: ref }] },
  });
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length === 0) throw new AppError('not_found', `No backup schedule "${ref}"${tenantId ? ' in this tenant' : ''}.`);
  throw new AppError('invalid_input', `"${ref}" matches several schedules (${matches.map((m) => m.id).join(', ')}); use the id.`);
}

/** Enabling restarts from the next slot after now: slots missed while disabled are not run. */
export async function setScheduleEnabled(db: Db, schedule: BackupSchedule, enabled: boolean, now = new Date()): Promise<BackupSchedule> {
  return db.backupSchedule.update({
    where: { id: schedule.id },
    data: { enabled, nextSlotAt: enabled ? firstSlotAfter(schedule.cronExpression, schedule.timeZone, now) : schedule.nextSlotAt },
  });
}
