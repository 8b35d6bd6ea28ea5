import type { PgBoss } from 'pg-boss';
import { AppError } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { Actor } from '../auth/actor.ts';
import { actorLabel } from '../auth/actor.ts';
import { authorize } from '../auth/authorize.ts';
import { recordAudit } from '../audit.ts';
import { failure } from '../reason-codes.ts';
import { isOperationType, operationDefinition, queueName } from '../operations/registry.ts';
import type { OperationRun } from './run-types.ts';
import type { RunNotifier } from './notifier.ts';
import { settleRestoreOfEndedRun } from '../restores/settle.ts';

/**
 * Cancels a queued or running run. Needs the type's start role. A running handler sees
 * the status between items and stops; its late finish cannot overwrite `cancelled`
 * because finishing requires status = running.
 */
export async function cancelRun(
  deps: { db: Db; boss: PgBoss; notifier?: RunNotifier },
  request: { runId: string; tenantId?: string; actor: Actor },
): Promise<OperationRun> {
  const run = await deps.db.operationRun.findFirst({
    where: { id: request.runId, ...(request.tenantId ? { tenantId: request.tenantId } : {}) },
  });
  if (!run || !isOperationType(run.type)) throw new AppError('not_found', 'No such run in this tenant.');
  const definition = operationDefinition(run.type);
  await authorize(deps.db, request.actor, run.tenantId, definition.requiredRole === 'system' ? 'manager' : definition.requiredRole, `run.cancel.${run.type}`);
  const [updated] = await deps.db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<OperationRun[]>`
      UPDATE operation_runs SET status = 'cancelled', finished_at = now(), updated_at = now(),
        failures = ${JSON.stringify([failure('cancelled_by_user')])}::jsonb
      WHERE id = ${run.id}::uuid AND status IN ('queued', 'running') RETURNING id`;
    if (rows.length === 1) {
      await recordAudit(tx, { tenantId: run.tenantId, actor: actorLabel(request.actor), action: `run.cancel.${run.type}`, outcome: 'succeeded', targetId: run.id });
      await settleRestoreOfEndedRun(tx, run.id);
    }
    return rows;
  });
  if (!updated) throw new AppError('invalid_input', `Run ${run.id.slice(0, 8)} already ended (${run.status}).`);
  // A queued job is cancelled too, so no worker picks it up; a running one stops itself.
  await deps.boss.cancel(queueName(run.type), run.id).catch(() => undefined);
  deps.notifier?.runChanged(run.id);
  return deps.db.operationRun.findUniqueOrThrow({ where: { id: run.id } });
}
