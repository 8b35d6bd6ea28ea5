import { z } from 'zod/v4';

export const planClasses = ['create', 'update', 'unchanged', 'conflict', 'ambiguous', 'skipped'] as const;
export type PlanClass = (typeof planClasses)[number];

/** Why an item got its class; stable keys for cards and tests, `reason` is the sentence. */
export const planReasons = [
  'new', 'matched', 'same_content',
  'type_collision', 'default_not_found', 'duplicate_in_tenant', 'duplicate_in_backup',
  'not_supported', 'no_display_name',
] as const;
export type PlanReason = (typeof planReasons)[number];

/** An existing policy (from the inventory) the item was matched or compared against. */
export const planTargetSchema = z.object({
  inventory_item_id: z.string(),
  graph_id: z.string(),
  display_name: z.string().nullable(),
  odata_type: z.string().nullable(),
  platform_type: z.string().nullable(),
  last_modified: z.string().nullable(),
});
export type PlanTarget = z.infer<typeof planTargetSchema>;

export const droppedGroupSchema = z.object({
  group_id: z.string(),
  /** Known when the group was once in the groups cache (removed since). */
  group_name: z.string().nullable(),
  why: z.enum(['missing', 'removed']),
});
export type DroppedGroup = z.infer<typeof droppedGroupSchema>;

/** One backed-up item and what the restore will do with it (restore_runs.plan is an array of these). */
export const planItemSchema = z.object({
  backup_item_id: z.string(),
  family: z.string(),
  source_graph_id: z.string(),
  odata_type: z.string().nullable(),
  display_name: z.string().nullable(),
  platform_type: z.string().nullable(),
  is_default: z.boolean(),
  class: z.enum(planClasses),
  reason_key: z.enum(planReasons),
  reason: z.string(),
  /** The item updated in place (update, unchanged). */
  target: planTargetSchema.nullable(),
  /** The existing items behind a conflict or an ambiguity. */
  candidates: z.array(planTargetSchema),
  /** Assignments to write, already mapped through the groups cache (targets only). */
  assignments: z.array(z.object({ target: z.record(z.string(), z.unknown()) })),
  dropped_groups: z.array(droppedGroupSchema),
  warnings: z.array(z.string()),
});
export type PlanItem = z.infer<typeof planItemSchema>;

export const planSchema = z.array(planItemSchema);

export type PlanCounts = Record<PlanClass, number>;

export function countPlan(items: readonly Pick<PlanItem, 'class'>[]): PlanCounts {
  const counts = Object.fromEntries(planClasses.map((c) => [c, 0])) as PlanCounts;
  for (const item of items) counts[item.class] += 1;
  return counts;
}
