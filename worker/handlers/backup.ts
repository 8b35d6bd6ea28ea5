import type { OperationHandler } from '../handler.ts';
import type { Tx } from '../../services/db/client.ts';
import { failure, type RunFailure } from '../../services/reason-codes.ts';
import { runContext } from '../../services/runs/run-types.ts';
import { toAppError } from '../../services/errors.ts';
import { familyFailure, isIntuneFamily, isRunFatal, readFamily } from '../intune/read-family.ts';
import { graphForRun } from '../intune/run-graph.ts';
import { claimScheduleRun } from '../backups/schedule-run.ts';
import { pruneBackupSets } from '../backups/retention.ts';

/**
 * backup_schedule.run_now / retry / scheduled: a snapshot of the schedule's families
 * read from Graph now (never from the inventory cache) into a backup set. A family the
 * connection may not read fails alone (the set is marked partial, naming it); a bad
 * credential fails the run; transient Graph errors retry the whole job.
 */
export const backupHandler: OperationHandler = async (ctx) => {
  const { run, db } = ctx;
  const context = runContext(run);
  const schedule = context.backup_schedule_id ? await db.backupSchedule.findFirst({ where: { id: context.backup_schedule_id, tenantId: run.tenantId } }) : null;
  if (!schedule) return { status: 'failed', failures: [failure('not_found', 'The backup schedule no longer exists.')] };
  const scheduleRunId = await claimScheduleRun(db, run, schedule.id);
  // A set left by an earlier attempt of this run is replaced, never merged.
  await db.backupSet.deleteMany({ where: { operationRunId: run.id } });
  const { graph } = await graphForRun(ctx);
  const set = await db.backupSet.create({
    data: { tenantId: run.tenantId, backupScheduleId: schedule.id, operationRunId: run.id, status: 'in_progress', families: schedule.families },
  });
  const failures: RunFailure[] = [];
  const counts: Record<string, number> = {};
  let items = 0;
  for (const family of schedule.families) {
    await ctx.checkCancelled();
    if (!isIntuneFamily(family)) {
      failures.push(failure('invalid_input', `Unknown policy family ${family}.`, { family }));
      continue;
    }
    try {
      counts[family] = 0;
      for await (const page of readFamily(graph, family, { fetchMissingAssignments: true })) {
        await db.backupItem.createMany({
          data: page.map((o) => ({
            backupSetId: set.id, family, graphId: o.graphId, odataType: o.odataType, displayName: o.displayName,
            payload: o.payload as object, payloadHash: o.payloadHash, assignments: o.assignments as object[],
          })),
          skipDuplicates: true,
        });
        counts[family] += page.length;
        items += page.length;
        await ctx.progress({ items, families: counts, families_total: schedule.families.length });
      }
    } catch (error) {
      if (isRunFatal(error) || toAppError(error).retryable) throw error;
      delete counts[family];
      failures.push(familyFailure(family, error));
    }
  }
  const failedFamilies = failures.map((f) => String(f.detail?.family ?? ''));
  const status = failures.length === 0 ? 'succeeded' : Object.keys(counts).length > 0 ? 'partially_succeeded' : 'failed';
  const setStatus = status === 'succeeded' ? 'complete' : status === 'partially_succeeded' ? 'partial' : 'failed';
  return {
    status,
    summary: { items, families: counts, failed_families: failedFamilies, backup_set_id: set.id },
    failures,
    result: { backup_set_id: set.id, backup_schedule_run_id: scheduleRunId, items, families: counts, failed_families: failedFamilies },
    commit: async (tx: Tx) => {
      await tx.backupSet.update({ where: { id: set.id }, data: { status: setStatus, itemCount: items, detail: { failed_families: failedFamilies, families: counts } } });
      await tx.backupScheduleRun.update({ where: { id: scheduleRunId }, data: { status, backupSetId: set.id, finishedAt: new Date() } });
      await pruneBackupSets(tx, schedule.id, schedule.retentionCount);
    },
  };
};
