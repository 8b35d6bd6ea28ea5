import type { Tx } from '../../services/db/client.ts';

/**
 * Keeps the newest `keep` finished sets of a schedule; older ones are deleted unless a
 * restore references them (those stay, whatever their age).
 */
export async function pruneBackupSets(tx: Tx, scheduleId: string, keep: number): Promise<number> {
  return tx.$executeRaw`
    DELETE FROM backup_sets s
    WHERE s.backup_schedule_id = ${scheduleId}::uuid
      AND s.status <> 'in_progress'
      AND s.id NOT IN (
        SELECT id FROM backup_sets WHERE backup_schedule_id = ${scheduleId}::uuid AND status <> 'in_progress'
        ORDER BY created_at DESC, id DESC LIMIT ${keep})
      AND NOT EXISTS (SELECT 1 FROM restore_runs r WHERE r.backup_set_id = s.id)`;
}
