import { z } from 'zod/v4';
import { planClasses } from './plan-schema.ts';

/** What execution did with one plan item (restore_runs.results is an array of these). */
export const itemOutcomes = ['created', 'updated', 'unchanged', 'conflict', 'ambiguous', 'skipped', 'failed', 'not_attempted'] as const;
export type ItemOutcome = (typeof itemOutcomes)[number];

export const itemResultSchema = z.object({
  backup_item_id: z.string(),
  family: z.string(),
  display_name: z.string().nullable(),
  odata_type: z.string().nullable(),
  planned: z.enum(planClasses),
  outcome: z.enum(itemOutcomes),
  reason: z.string(),
  /** Reason code of a failed write (provider taxonomy), null otherwise. */
  reason_code: z.string().nullable(),
  /** The policy written (created or updated), or the one found in the way. */
  target_graph_id: z.string().nullable(),
  assignments_written: z.number().int(),
  warnings: z.array(z.string()),
});
export type ItemResult = z.infer<typeof itemResultSchema>;

export type OutcomeCounts = Record<ItemOutcome, number>;

export function countOutcomes(results: readonly Pick<ItemResult, 'outcome'>[]): OutcomeCounts {
  const counts = Object.fromEntries(itemOutcomes.map((o) => [o, 0])) as OutcomeCounts;
  for (const r of results) counts[r.outcome] += 1;
  return counts;
}

/**
 * The execute run's status: anything the plan promised but did not happen (a write failed,
 * a target changed since the preview, not attempted) makes it partial; nothing written at
 * all while something was due makes it failed.
 */
export function executeStatus(results: readonly ItemResult[]): 'succeeded' | 'partially_succeeded' | 'failed' {
  const due = results.filter((r) => r.planned === 'create' || r.planned === 'update');
  const done = due.filter((r) => r.outcome === 'created' || r.outcome === 'updated');
  if (done.length === due.length) return 'succeeded';
  return done.length > 0 || due.some((r) => r.outcome === 'conflict') ? 'partially_succeeded' : 'failed';
}
