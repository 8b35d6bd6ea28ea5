import { z } from 'zod/v4';
import { AppError } from '../errors.ts';
import type { StartReads } from '../runs/start-reads.ts';
import { defineOperation } from './definition.ts';
import { usableDefaultConnection } from './prerequisites.ts';

export const backupRunTypes = ['backup_schedule.run_now', 'backup_schedule.retry', 'backup_schedule.scheduled'] as const;

async function scheduleInTenant(reads: StartReads, scheduleId: string) {
  const schedule = await reads.schedule(scheduleId);
  if (!schedule) throw new AppError('not_found', 'No such backup schedule in this tenant.');
  return schedule;
}

export const backupRunNow = defineOperation({
  type: 'backup_schedule.run_now',
  inputSchema: z.strictObject({ scheduleId: z.uuid() }),
  identityScope: 'strict',
  identity: ({ input, deliveryId }) => ({ schedule_id: input.scheduleId, delivery_id: deliveryId }),
  requiredRole: 'operator',
  prerequisites: async (reads, _tenantId, input) => {
    const [schedule, connection] = await Promise.all([scheduleInTenant(reads, input.scheduleId), usableDefaultConnection(reads)]);
    return {
      backup_schedule_id: schedule.id,
      provider_connection_id: connection.id,
      target_scope: { kind: 'backup_schedule', id: schedule.id, label: schedule.name },
    };
  },
  expireInSeconds: 1800,
  timeoutSeconds: 1500,
  retryLimit: 2,
});

export const backupRetry = defineOperation({
  type: 'backup_schedule.retry',
  inputSchema: z.strictObject({ runId: z.uuid() }),
  identityScope: 'strict',
  identity: ({ input, deliveryId }) => ({ run_id: input.runId, delivery_id: deliveryId }),
  requiredRole: 'operator',
  prerequisites: async (reads, _tenantId, input) => {
    const original = await reads.run(input.runId);
    if (!original) throw new AppError('not_found', 'No such run in this tenant.');
    const isBackup = (backupRunTypes as readonly string[]).includes(original.type);
    if (!isBackup || (original.status !== 'failed' && original.status !== 'partially_succeeded')) {
      throw new AppError('run_not_retryable', `Run ${original.id.slice(0, 8)} is a ${original.status} ${original.type} run; only failed or partially succeeded backup runs can be retried.`);
    }
    const context = original.context as { backup_schedule_id?: string };
    const [schedule, connection] = await Promise.all([scheduleInTenant(reads, context.backup_schedule_id ?? ''), usableDefaultConnection(reads)]);
    return {
      backup_schedule_id: schedule.id,
      provider_connection_id: connection.id,
      retry_of_run_id: original.id,
      target_scope: { kind: 'backup_schedule', id: schedule.id, label: schedule.name },
    };
  },
  expireInSeconds: 1800,
  timeoutSeconds: 1500,
  retryLimit: 2,
});

export const backupScheduled = defineOperation({
  type: 'backup_schedule.scheduled',
  inputSchema: z.strictObject({ scheduleId: z.uuid(), scheduledFor: z.iso.datetime() }),
  identityScope: 'strict',
  identity: ({ input }) => ({ schedule_id: input.scheduleId, scheduled_for: new Date(input.scheduledFor).toISOString() }),
  requiredRole: 'system',
  prerequisites: async (reads, _tenantId, input) => {
    const schedule = await scheduleInTenant(reads, input.scheduleId);
    if (!schedule.enabled) throw new AppError('invalid_input', `Backup schedule "${schedule.name}" is disabled.`);
    return {
      backup_schedule_id: schedule.id,
      scheduled_for: new Date(input.scheduledFor).toISOString(),
      target_scope: { kind: 'backup_schedule', id: schedule.id, label: schedule.name },
    };
  },
  expireInSeconds: 1800,
  timeoutSeconds: 1500,
  retryLimit: 2,
});
