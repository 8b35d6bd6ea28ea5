import type { OperationHandler } from '../handler.ts';
import type { Tx } from '../../services/db/client.ts';
import { AppError } from '../../services/errors.ts';
import { failure } from '../../services/reason-codes.ts';
import { runContext } from '../../services/runs/run-types.ts';
import { restorePreview } from '../../services/operations/restores.ts';
import { isRestoreFamily } from '../../services/restores/families.ts';
import { groupIndex, targetsGroups } from '../../services/restores/assignments.ts';
import { freshGroupsCache, freshInventory } from '../../services/restores/freshness.ts';
import { buildPlan } from '../../services/restores/plan.ts';
import { previewView } from '../../services/restores/views.ts';

/**
 * restore.preview: a plan computed from our own tables only (the backup set, the latest
 * inventory and the groups cache of the same tenant), never from Graph. A missing or too old
 * inventory fails the run with inventory_stale instead of planning on a guess.
 */
export const restorePreviewHandler: OperationHandler = async (ctx) => {
  const { run, db, config } = ctx;
  const input = restorePreview.inputSchema.parse(runContext(run).input);
  const set = await db.backupSet.findFirst({ where: { id: input.backupSetId, tenantId: run.tenantId } });
  if (!set) return { status: 'failed', failures: [failure('not_found', 'The backup no longer exists.')] };
  // A plan left unfinished by an earlier attempt of this run is replaced, never merged.
  await db.restoreRun.deleteMany({ where: { previewRunId: run.id, status: 'previewing' } });
  const restoreRun = await db.restoreRun.create({
    data: { tenantId: run.tenantId, backupSetId: set.id, previewRunId: run.id, selection: input.selection ?? {}, status: 'previewing' },
  });
  const selected = input.selection?.families;
  const backupItems = await db.backupItem.findMany({
    where: { backupSetId: set.id, ...(selected ? { family: { in: selected } } : {}) },
    orderBy: [{ family: 'asc' }, { displayName: 'asc' }, { graphId: 'asc' }],
  });
  const families = [...new Set(backupItems.map((b) => b.family))].sort();
  const restorable = families.filter(isRestoreFamily);
  let inventoryRun;
  try {
    inventoryRun = await freshInventory(db, run.tenantId, restorable, config.INVENTORY_MAX_AGE_MINUTES);
    if (backupItems.some((b) => isRestoreFamily(b.family) && targetsGroups(b.assignments))) {
      await freshGroupsCache(db, run.tenantId, config.INVENTORY_MAX_AGE_MINUTES);
    }
  } catch (error) {
    if (!(error instanceof AppError) || error.retryable) throw error;
    return {
      status: 'failed',
      summary: { restore_run_id: restoreRun.id },
      failures: [failure(error.code, error.userMessage, error.detail)],
      commit: async (tx: Tx) => { await tx.restoreRun.update({ where: { id: restoreRun.id }, data: { status: 'failed' } }); },
    };
  }
  const [inventory, groups] = await Promise.all([
    db.inventoryItem.findMany({
      where: { tenantId: run.tenantId, family: { in: restorable }, removedAt: null },
      select: { id: true, family: true, graphId: true, odataType: true, displayName: true, platformType: true, priority: true, payload: true, payloadHash: true },
    }),
    db.directoryGroup.findMany({ where: { tenantId: run.tenantId }, select: { groupId: true, displayName: true, removedAt: true } }),
  ]);
  const plan = buildPlan({ backupItems, inventory, groups: groupIndex(groups) });
  const previewedAt = new Date();
  const view = previewView({
    restoreRunId: restoreRun.id, backupSetId: set.id, families, inventory: { runId: inventoryRun.runId, syncedAt: inventoryRun.finishedAt },
    previewedAt, maxAgeMinutes: config.RESTORE_PLAN_MAX_AGE_MINUTES, items: plan.items, counts: plan.counts,
  });
  return {
    status: 'succeeded',
    summary: { restore_run_id: restoreRun.id, counts: plan.counts, warnings: view.warnings_total },
    result: view,
    commit: async (tx: Tx) => {
      await tx.restoreRun.update({
        where: { id: restoreRun.id },
        data: { status: 'previewed', plan: plan.items as object, counts: plan.counts, previewedAt, inventoryRunId: inventoryRun.runId },
      });
    },
  };
};
