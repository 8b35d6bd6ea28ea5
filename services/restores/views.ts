import type { PlanCounts, PlanItem } from './plan-schema.ts';
import { countOutcomes, type ItemResult, type OutcomeCounts } from './results.ts';

/** Lists on a card stop here; the totals say how many there are. */
const listLimit = 50;

export interface RestoreWarningView {
  family: string;
  display_name: string | null;
  message: string;
}

/** The card button that executes a plan (manager; startRun re-checks role, age and readiness). */
export interface RestoreExecuteAction {
  verb: 'restore_execute';
  restoreRunId: string;
}

/** operation_runs.result of restore.preview: what the preview card renders. */
export interface RestorePreviewView {
  kind: 'restore_preview';
  version: 1;
  restore_run_id: string;
  backup_set_id: string;
  families: string[];
  inventory: { run_id: string; synced_at: string };
  previewed_at: string;
  /** After this the plan is refused with plan_expired. */
  expires_at: string;
  counts: PlanCounts;
  /** Conflicts and ambiguities, with the existing policies behind them. */
  attention: { class: 'conflict' | 'ambiguous'; family: string; display_name: string | null; odata_type: string | null; reason_key: string; reason: string; candidates: { graph_id: string; display_name: string | null; odata_type: string | null }[] }[];
  attention_total: number;
  warnings: RestoreWarningView[];
  warnings_total: number;
  /** Something to create or update; the Restore button is offered only then. */
  executable: boolean;
  execute_action: RestoreExecuteAction | null;
}

function warningsOf(items: readonly { family: string; display_name: string | null; warnings: string[] }[]): RestoreWarningView[] {
  return items.flatMap((i) => i.warnings.map((message) => ({ family: i.family, display_name: i.display_name, message })));
}

export function previewView(input: {
  restoreRunId: string; backupSetId: string; families: string[]; inventory: { runId: string; syncedAt: Date };
  previewedAt: Date; maxAgeMinutes: number; items: readonly PlanItem[]; counts: PlanCounts;
}): RestorePreviewView {
  const attention = input.items.flatMap((i) => (i.class === 'conflict' || i.class === 'ambiguous'
    ? [{ class: i.class, family: i.family, display_name: i.display_name, odata_type: i.odata_type, reason_key: i.reason_key, reason: i.reason, candidates: i.candidates.map((c) => ({ graph_id: c.graph_id, display_name: c.display_name, odata_type: c.odata_type })) }]
    : []));
  const warnings = warningsOf(input.items);
  const executable = input.counts.create + input.counts.update > 0;
  return {
    kind: 'restore_preview', version: 1, restore_run_id: input.restoreRunId, backup_set_id: input.backupSetId, families: input.families,
    inventory: { run_id: input.inventory.runId, synced_at: input.inventory.syncedAt.toISOString() },
    previewed_at: input.previewedAt.toISOString(), expires_at: new Date(input.previewedAt.getTime() + input.maxAgeMinutes * 60_000).toISOString(),
    counts: input.counts, attention: attention.slice(0, listLimit), attention_total: attention.length,
    warnings: warnings.slice(0, listLimit), warnings_total: warnings.length,
    executable, execute_action: executable ? { verb: 'restore_execute', restoreRunId: input.restoreRunId } : null,
  };
}

/** operation_runs.result of restore.execute: what the execution card renders. */
export interface RestoreExecuteView {
  kind: 'restore_execute';
  version: 1;
  restore_run_id: string;
  backup_set_id: string;
  executed_at: string;
  counts: OutcomeCounts;
  /** Items that did not end as planned or were never written: conflict, ambiguous, failed, not attempted. */
  attention: { outcome: ItemResult['outcome']; family: string; display_name: string | null; odata_type: string | null; reason: string; reason_code: string | null }[];
  attention_total: number;
  warnings: RestoreWarningView[];
  warnings_total: number;
}

export function executeView(input: { restoreRunId: string; backupSetId: string; executedAt: Date; results: readonly ItemResult[] }): RestoreExecuteView {
  const attention = input.results
    .filter((r) => r.outcome === 'conflict' || r.outcome === 'ambiguous' || r.outcome === 'failed' || r.outcome === 'not_attempted')
    .map((r) => ({ outcome: r.outcome, family: r.family, display_name: r.display_name, odata_type: r.odata_type, reason: r.reason, reason_code: r.reason_code }));
  const warnings = warningsOf(input.results);
  return {
    kind: 'restore_execute', version: 1, restore_run_id: input.restoreRunId, backup_set_id: input.backupSetId, executed_at: input.executedAt.toISOString(),
    counts: countOutcomes(input.results), attention: attention.slice(0, listLimit), attention_total: attention.length,
    warnings: warnings.slice(0, listLimit), warnings_total: warnings.length,
  };
}
