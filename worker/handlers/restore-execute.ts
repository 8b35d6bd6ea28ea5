import { RunCancelledError, type HandlerContext, type OperationHandler } from '../handler.ts';
import type { Db, Tx } from '../../services/db/client.ts';
import { recordAudit } from '../../services/audit.ts';
import { failure, isReasonCode, type RunFailure } from '../../services/reason-codes.ts';
import { runContext } from '../../services/runs/run-types.ts';
import { toAppError } from '../../services/errors.ts';
import { planSchema, type PlanItem } from '../../services/restores/plan-schema.ts';
import { countOutcomes, executeStatus, type ItemResult } from '../../services/restores/results.ts';
import { executeView } from '../../services/restores/views.ts';
import { isRunFatal } from '../intune/read-family.ts';
import { graphForRun } from '../intune/run-graph.ts';
import { executeItem, liveFamilies, type WriteDeps } from './restore-write.ts';

/** Takes the plan for this run; null when another run took it (strict identity makes that rare). */
async function claimPlan(db: Db, tenantId: string, restoreRunId: string, runId: string) {
  const { count } = await db.restoreRun.updateMany({
    where: { id: restoreRunId, tenantId, OR: [{ status: 'previewed', executeRunId: null }, { executeRunId: runId }] },
    data: { status: 'executing', executeRunId: runId },
  });
  return count === 1 ? db.restoreRun.findUniqueOrThrow({ where: { id: restoreRunId } }) : null;
}

function auditor(ctx: HandlerContext, restoreRunId: string): WriteDeps['audit'] {
  const trigger = runContext(ctx.run).trigger;
  return async ({ action, outcome, targetId, item, reasonCode }) => {
    await recordAudit(ctx.db, {
      tenantId: ctx.run.tenantId, actor: trigger.actor, platform: trigger.source, platformUserId: trigger.platform_user ?? null,
      action, outcome, targetId,
      detail: { restore_run_id: restoreRunId, run_id: ctx.run.id, backup_item_id: item.backup_item_id, family: item.family, display_name: item.display_name, ...(reasonCode ? { reason_code: reasonCode } : {}) },
    });
  };
}

function notAttempted(item: PlanItem, code: string, why: string): ItemResult {
  return {
    backup_item_id: item.backup_item_id, family: item.family, display_name: item.display_name, odata_type: item.odata_type, planned: item.class,
    outcome: 'not_attempted', reason: why, reason_code: code, target_graph_id: item.target?.graph_id ?? null, assignments_written: 0, warnings: [...item.warnings],
  };
}

function itemFailures(results: readonly ItemResult[]): RunFailure[] {
  return results.filter((r) => r.outcome === 'failed' || r.outcome === 'not_attempted').slice(0, 50).map((r) =>
    failure(isReasonCode(r.reason_code) ? r.reason_code : 'internal_error', `${r.family} "${r.display_name ?? r.backup_item_id}": ${r.reason}`, { family: r.family, backup_item_id: r.backup_item_id }));
}

/**
 * restore.execute: exactly the previewed plan, item by item, each target re-read from Graph
 * first. Results are saved after every item, so a stop leaves an honest record; an audit
 * event marks every write. A credential failure stops the rest (not attempted).
 */
export const restoreExecuteHandler: OperationHandler = async (ctx) => {
  const { run, db } = ctx;
  const restoreRunId = runContext(run).restore_run_id ?? '';
  const plan = await claimPlan(db, run.tenantId, restoreRunId, run.id);
  if (!plan) return { status: 'failed', failures: [failure('invalid_input', 'This restore plan is not previewed or was already executed.')] };
  const markFailed = async (tx: Tx) => { await tx.restoreRun.update({ where: { id: plan.id }, data: { status: 'failed' } }); };
  const items = planSchema.parse(plan.plan);
  const results: ItemResult[] = [];
  try {
    const { graph } = await graphForRun(ctx);
    const due = items.filter((i) => i.class === 'create' || i.class === 'update').map((i) => i.backup_item_id);
    const payloads = new Map((await db.backupItem.findMany({ where: { id: { in: due } }, select: { id: true, payload: true } })).map((b) => [b.id, b.payload]));
    const deps: WriteDeps = { graph, audit: auditor(ctx, plan.id), live: liveFamilies(graph) };
    let stop: { code: string; why: string } | null = null;
    for (const item of items) {
      await ctx.checkCancelled();
      if (stop && (item.class === 'create' || item.class === 'update')) {
        results.push(notAttempted(item, stop.code, stop.why));
        continue;
      }
      const { result, error } = await executeItem(deps, item, payloads.get(item.backup_item_id));
      results.push(result);
      if (error && isRunFatal(error)) stop = { code: toAppError(error).code, why: `Not attempted: ${toAppError(error).userMessage}` };
      await db.restoreRun.update({ where: { id: plan.id }, data: { results: results as object } });
      await ctx.progress({ restore_run_id: plan.id, done: results.length, total: items.length });
    }
  } catch (error) {
    // Whatever stops the run stops this plan too: it is never executed a second time.
    await db.restoreRun.update({ where: { id: plan.id }, data: { status: 'failed', results: results as object } });
    if (error instanceof RunCancelledError) throw error;
    const appError = toAppError(error);
    return { status: 'failed', summary: { restore_run_id: plan.id }, failures: [failure(appError.code, appError.userMessage, appError.detail)], commit: markFailed };
  }
  const executedAt = new Date();
  const status = executeStatus(results);
  return {
    status,
    summary: { restore_run_id: plan.id, counts: countOutcomes(results) },
    failures: itemFailures(results),
    result: executeView({ restoreRunId: plan.id, backupSetId: plan.backupSetId, executedAt, results }),
    commit: async (tx: Tx) => {
      await tx.restoreRun.update({ where: { id: plan.id }, data: { status: status === 'failed' ? 'failed' : 'executed', results: results as object, executedAt } });
    },
  };
};
