import type { RestoreRun } from '../db/generated/client.ts';
import { planSchema, type PlanItem } from './plan-schema.ts';
import { itemResultSchema, type ItemResult } from './results.ts';

/** A restore plan as machine-readable JSON (CLI --json): its plan and results parsed, camelCase outside. */
export function restoreRunJson(row: RestoreRun): {
  id: string; tenantId: string; backupSetId: string; status: string; previewRunId: string | null; executeRunId: string | null; inventoryRunId: string | null;
  selection: unknown; counts: Record<string, unknown>; previewedAt: string | null; executedAt: string | null; plan: PlanItem[]; results: ItemResult[];
} {
  const plan = planSchema.safeParse(row.plan);
  const results = itemResultSchema.array().safeParse(row.results);
  return {
    id: row.id, tenantId: row.tenantId, backupSetId: row.backupSetId, status: row.status, previewRunId: row.previewRunId, executeRunId: row.executeRunId,
    inventoryRunId: row.inventoryRunId, selection: row.selection, counts: (row.counts ?? {}) as Record<string, unknown>,
    previewedAt: row.previewedAt?.toISOString() ?? null, executedAt: row.executedAt?.toISOString() ?? null,
    plan: plan.success ? plan.data : [], results: results.success ? results.data : [],
  };
}
