import type { HandlerContext, OperationHandler } from '../handler.ts';
import { RunCancelledError } from '../handler.ts';
import { intuneFamilies } from '../../services/microsoft/contracts/index.ts';
import { toAppError } from '../../services/errors.ts';
import type { RunFailure } from '../../services/reason-codes.ts';
import { familyFailure, isRunFatal } from '../intune/read-family.ts';
import { graphForRun } from '../intune/run-graph.ts';
import { syncFamily, type FamilyTally } from '../intune/sync-family.ts';
import { throttledProgress } from '../intune/throttled-progress.ts';

/**
 * The run's summary, written as it goes (cards show it while the run is active):
 * `families` = items read per family (finished families and the current one), `items` = their
 * sum; added / updated / removed = changes to the cache; `failed_families` = families that
 * could not be read (their reasons are in the run's failures).
 */
export interface InventorySummary {
  families: Record<string, number>;
  families_done: number;
  families_total: number;
  items: number;
  added: number;
  updated: number;
  removed: number;
  failed_families: string[];
}

/**
 * inventory.sync: every Intune family into inventory_items. A family the connection may not
 * read (or that fails otherwise for good) is a per-family failure naming what is missing and
 * the other families still complete; a bad credential fails the run; transient errors
 * (throttling beyond the retries, outages) throw so pg-boss retries the whole job.
 */
export const inventorySyncHandler: OperationHandler = async (ctx) => {
  const { graph } = await graphForRun(ctx);
  const seenAt = new Date();
  const summary: InventorySummary = { families: {}, families_done: 0, families_total: intuneFamilies.length, items: 0, added: 0, updated: 0, removed: 0, failed_families: [] };
  const failures: RunFailure[] = [];
  const report = throttledProgress(ctx);
  await report({ ...summary }, { force: true });
  for (const family of intuneFamilies) {
    const before = { ...summary };
    try {
      const tally = await syncFamily({
        db: ctx.db, graph, mark: { tenantId: ctx.run.tenantId, family, runId: ctx.run.id, seenAt },
        onPage: async (sofar) => {
          applyTally(summary, before, family, sofar);
          await report({ ...summary });
        },
      });
      applyTally(summary, before, family, tally);
      ctx.logger.info({ family, items: tally.items, added: tally.added, updated: tally.updated, removed: tally.removed, read_ms: Math.round(tally.readMs), write_ms: Math.round(tally.writeMs) }, 'inventory family synced');
    } catch (error) {
      if (error instanceof RunCancelledError || isRunFatal(error) || toAppError(error).retryable) throw error;
      delete summary.families[family];
      summary.items = before.items;
      summary.failed_families.push(family);
      failures.push(familyFailure(family, error));
      ctx.logger.warn({ family, reason_code: failures.at(-1)?.reason_code }, 'inventory family not synced');
    }
    summary.families_done += 1;
    await report({ ...summary }, { force: true });
  }
  return finish(ctx, summary, failures, graph.stats);
};

function applyTally(summary: InventorySummary, before: InventorySummary, family: string, tally: FamilyTally): void {
  summary.families[family] = tally.items;
  summary.items = before.items + tally.items;
  summary.added = before.added + tally.added;
  summary.updated = before.updated + tally.updated;
  summary.removed = before.removed + tally.removed;
}

function finish(ctx: HandlerContext, summary: InventorySummary, failures: RunFailure[], stats: object) {
  const done = Object.keys(summary.families).length;
  const status = failures.length === 0 ? 'succeeded' : done > 0 ? 'partially_succeeded' : 'failed';
  ctx.logger.info({ items: summary.items, added: summary.added, updated: summary.updated, removed: summary.removed, failed: summary.failed_families }, 'inventory synced');
  return { status, summary: { ...summary }, failures, result: { ...summary, graph: { ...stats } } } as const;
}
