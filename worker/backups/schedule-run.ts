import type { Db } from '../../services/db/client.ts';
import { runContext, type OperationRun } from '../../services/runs/run-types.ts';

/**
 * Creates (or takes over) the backup_schedule_runs row of a backup run when its handler
 * claims it, and records its id in the run's context as backup_schedule_run_id. A
 * scheduled slot is one row per (schedule, slot): a row a racing scheduler recorded as
 * skipped is taken over by the run that did start for it.
 */
export async function claimScheduleRun(db: Db, run: OperationRun, scheduleId: string): Promise<string> {
  const context = runContext(run);
  const kind = run.type === 'backup_schedule.scheduled' ? 'scheduled' : run.type === 'backup_schedule.retry' ? 'retry' : 'run_now';
  const scheduledFor = new Date(context.scheduled_for ?? run.createdAt);
  const retryOf = context.retry_of_run_id
    ? (await db.backupScheduleRun.findUnique({ where: { operationRunId: context.retry_of_run_id }, select: { id: true } }))?.id ?? null
    : null;
  const rows = kind === 'scheduled'
    ? await db.$queryRaw<{ id: string }[]>`
        INSERT INTO backup_schedule_runs (id, backup_schedule_id, kind, scheduled_for, operation_run_id, status, created_at)
        VALUES (gen_random_uuid(), ${scheduleId}::uuid, 'scheduled', ${scheduledFor}, ${run.id}::uuid, 'running', now())
        ON CONFLICT (backup_schedule_id, scheduled_for) WHERE kind = 'scheduled'
        DO UPDATE SET operation_run_id = EXCLUDED.operation_run_id, status = 'running'
        WHERE backup_schedule_runs.operation_run_id IS NULL OR backup_schedule_runs.operation_run_id = EXCLUDED.operation_run_id
        RETURNING id`
    : await db.$queryRaw<{ id: string }[]>`
        INSERT INTO backup_schedule_runs (id, backup_schedule_id, kind, scheduled_for, operation_run_id, status, retry_of, created_at)
        VALUES (gen_random_uuid(), ${scheduleId}::uuid, ${kind}, ${scheduledFor}, ${run.id}::uuid, 'running', ${retryOf}::uuid, now())
        ON CONFLICT (operation_run_id) DO UPDATE SET status = 'running'
        RETURNING id`;
  const id = rows[0]?.id;
  if (!id) throw new Error(`slot ${scheduledFor.toISOString()} of schedule ${scheduleId} belongs to another run`);
  await db.$executeRaw`
    UPDATE operation_runs SET context = context || ${JSON.stringify({ backup_schedule_run_id: id })}::jsonb
    WHERE id = ${run.id}::uuid AND status = 'running'`;
  return id;
}
