import { createHash } from 'node:crypto';
import { z } from 'zod/v4';
import { AppError } from '../errors.ts';
import { defineOperation } from './definition.ts';
import { usableDefaultConnection } from './prerequisites.ts';
import { assertRestoreReady, executablePlan } from '../restores/execute-checks.ts';

export const restoreSelectionSchema = z.strictObject({
  families: z.array(z.string().min(1)).optional(),
});

function selectionHash(selection: z.infer<typeof restoreSelectionSchema> | undefined): string {
  const families = [...(selection?.families ?? [])].sort();
  return createHash('sha256').update(JSON.stringify(families)).digest('hex').slice(0, 16);
}

export const restorePreview = defineOperation({
  type: 'restore.preview',
  inputSchema: z.strictObject({ backupSetId: z.uuid(), selection: restoreSelectionSchema.optional() }),
  identityScope: 'active',
  identity: ({ input }) => ({ backup_set_id: input.backupSetId, selection_hash: selectionHash(input.selection) }),
  requiredRole: 'operator',
  prerequisites: async (reads, _tenantId, input) => {
    const set = await reads.backupSet(input.backupSetId);
    if (!set) throw new AppError('not_found', 'No such backup in this tenant.');
    const unknown = (input.selection?.families ?? []).filter((f) => !set.families.includes(f));
    if (unknown.length > 0) throw new AppError('invalid_input', `Backup ${set.id.slice(0, 8)} has no ${unknown.join(', ')}; it holds ${set.families.join(', ')}.`);
    return { backup_set_id: set.id, target_scope: { kind: 'backup_set', id: set.id, label: `Backup ${set.id.slice(0, 8)}` } };
  },
  expireInSeconds: 600,
  timeoutSeconds: 480,
  retryLimit: 2,
});

/**
 * Strict identity on the plan: a double click or two managers at once get one run, ever.
 * Every refusal (plan_expired, connection_missing/blocked, restore_not_ready) happens here,
 * before any row or job exists.
 */
export const restoreExecute = defineOperation({
  type: 'restore.execute',
  inputSchema: z.strictObject({ restoreRunId: z.uuid() }),
  identityScope: 'strict',
  identity: ({ input }) => ({ restore_run_id: input.restoreRunId }),
  requiredRole: 'manager',
  prerequisites: async (reads, tenantId, input, settings) => {
    const plan = await executablePlan(reads.db, tenantId, input.restoreRunId, settings.RESTORE_PLAN_MAX_AGE_MINUTES);
    const connection = await usableDefaultConnection(reads);
    await assertRestoreReady(reads.db, connection);
    return {
      restore_run_id: plan.id,
      backup_set_id: plan.backupSetId,
      provider_connection_id: connection.id,
      target_scope: { kind: 'restore_run', id: plan.id, label: `Restore ${plan.id.slice(0, 8)}` },
    };
  },
  expireInSeconds: 3600,
  timeoutSeconds: 3300,
  retryLimit: 0,
});
