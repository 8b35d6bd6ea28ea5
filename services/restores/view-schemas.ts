import { z } from 'zod/v4';
import { planClasses } from './plan-schema.ts';
import { itemOutcomes } from './results.ts';
import type { RestoreExecuteView, RestorePreviewView } from './views.ts';

/**
 * Readers of the restore run results (views.ts writes them): the Teams and Slack cards
 * parse a run's stored result with these, so an older or foreign shape renders nothing
 * extra instead of throwing. Typed against the views, so writer and readers cannot drift.
 */
const counts = <K extends string>(keys: readonly K[]) => z.object(Object.fromEntries(keys.map((k) => [k, z.number().int().nonnegative()])) as Record<K, z.ZodNumber>);
const warningSchema = z.object({ family: z.string(), display_name: z.string().nullable(), message: z.string() });

export const restorePreviewSchema: z.ZodType<RestorePreviewView> = z.object({
  kind: z.literal('restore_preview'),
  version: z.literal(1),
  restore_run_id: z.string(),
  backup_set_id: z.string(),
  families: z.array(z.string()),
  inventory: z.object({ run_id: z.string(), synced_at: z.string() }),
  previewed_at: z.string(),
  expires_at: z.string(),
  counts: counts(planClasses),
  attention: z.array(z.object({
    class: z.enum(['conflict', 'ambiguous']),
    family: z.string(),
    display_name: z.string().nullable(),
    odata_type: z.string().nullable(),
    reason_key: z.string(),
    reason: z.string(),
    candidates: z.array(z.object({ graph_id: z.string(), display_name: z.string().nullable(), odata_type: z.string().nullable() })),
  })),
  attention_total: z.number().int().nonnegative(),
  warnings: z.array(warningSchema),
  warnings_total: z.number().int().nonnegative(),
  executable: z.boolean(),
  execute_action: z.object({ verb: z.literal('restore_execute'), restoreRunId: z.string() }).nullable(),
});

export const restoreExecuteSchema: z.ZodType<RestoreExecuteView> = z.object({
  kind: z.literal('restore_execute'),
  version: z.literal(1),
  restore_run_id: z.string(),
  backup_set_id: z.string(),
  executed_at: z.string(),
  counts: counts(itemOutcomes),
  attention: z.array(z.object({
    outcome: z.enum(itemOutcomes),
    family: z.string(),
    display_name: z.string().nullable(),
    odata_type: z.string().nullable(),
    reason: z.string(),
    reason_code: z.string().nullable(),
  })),
  attention_total: z.number().int().nonnegative(),
  warnings: z.array(warningSchema),
  warnings_total: z.number().int().nonnegative(),
});
