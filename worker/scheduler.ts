import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import type { Db } from '../services/db/client.ts';
import type { Logger } from '../services/logger.ts';
import { AppError } from '../services/errors.ts';
import { startRun } from '../services/runs/start-run.ts';
import { dueSlots } from '../services/backups/slots.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Named fault points, so tests can stop a scheduler at an exact step ("killed mid-tick"). */
export interface SchedulerFaults {
  /** After the slot is claimed (skipped slots recorded), before its run is started. */
  afterClaim?: (scheduleId: string, slot: Date) => void | Promise<void>;
}

export interface SchedulerDeps {
  db: Db;
  boss: PgBoss;
  logger: Logger;
  clock?: Clock;
  faults?: SchedulerFaults;
}

/**
 * One pass over the due schedules. Idempotent and safe to run concurrently in every
 * worker: the latest due slot is started through startRun with strict identity
 * (schedule, slot), so however many schedulers tick, a slot gets one run ever; older
 * missed slots are recorded as skipped (unique per slot). A scheduler killed anywhere
 * in between leaves the slot due, and the next tick (any worker's) finishes it.
 */
export async function tickScheduler(deps: SchedulerDeps): Promise<{ started: string[]; skipped: number }> {
  const now = (deps.clock ?? systemClock).now();
  const due = await deps.db.backupSchedule.findMany({
    where: { enabled: true, OR: [{ nextSlotAt: null }, { nextSlotAt: { lte: now } }] },
    orderBy: { nextSlotAt: 'asc' },
    take: 500,
  });
  const started: string[] = [];
  let skipped = 0;
  for (const schedule of due) {
    const from = schedule.nextSlotAt ?? schedule.createdAt;
    const { latest, missed, next } = dueSlots(schedule.cronExpression, schedule.timeZone, from, now);
    if (missed.length > 0) {
      const { count } = await deps.db.backupScheduleRun.createMany({
        data: missed.map((slot) => ({ backupScheduleId: schedule.id, kind: 'scheduled', scheduledFor: slot, status: 'skipped' as const })),
        skipDuplicates: true,
      });
      skipped += count;
      if (count > 0) deps.logger.warn({ scheduleId: schedule.id, skipped: count }, 'missed backup slots recorded as skipped (only the latest runs)');
    }
    if (latest) {
      await deps.faults?.afterClaim?.(schedule.id, latest);
      try {
        const { run, deduplicated } = await startRun({ db: deps.db, boss: deps.boss }, {
          tenantId: schedule.tenantId, type: 'backup_schedule.scheduled',
          input: { scheduleId: schedule.id, scheduledFor: latest.toISOString() },
          actor: { kind: 'system', name: 'scheduler' }, source: 'schedule', deliveryId: `schedule:${schedule.id}:${latest.toISOString()}:${randomUUID()}`,
        });
        if (!deduplicated) started.push(run.id);
      } catch (error) {
        // A schedule disabled or deleted since the query: nothing to start.
        if (!(error instanceof AppError)) throw error;
        deps.logger.warn({ scheduleId: schedule.id, reason_code: error.code }, 'scheduled backup not started');
      }
    }
    // Only moves forward, so a slower scheduler cannot move it back.
    if (next) {
      await deps.db.backupSchedule.updateMany({ where: { id: schedule.id, OR: [{ nextSlotAt: null }, { nextSlotAt: { lt: next } }] }, data: { nextSlotAt: next } });
    }
  }
  return { started, skipped };
}

export function startScheduler(deps: SchedulerDeps & { intervalMs?: number }): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tickScheduler(deps)
      .then(({ started }) => started.length && deps.logger.info({ started: started.length }, 'scheduled backups started'))
      .catch((error: unknown) => deps.logger.error({ err: error }, 'scheduler tick failed'))
      .finally(() => { running = false; });
  }, deps.intervalMs ?? 15_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
