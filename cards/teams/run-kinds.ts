import { z } from 'zod/v4';
import { roleAllows } from '../../services/auth/roles.ts';
import { planClasses } from '../../services/restores/plan-schema.ts';
import { itemOutcomes } from '../../services/restores/results.ts';
import { restoreExecuteSchema, restorePreviewSchema } from '../../services/restores/view-schemas.ts';
import type { RestoreExecuteView, RestorePreviewView } from '../../services/restores/views.ts';
import type { RunView } from '../../services/views/run-view.ts';
import type { CardAction } from '../../services/chat/chat-service.ts';
import { clip, formatTime, humanize, type Fact, type TextColor } from './format.ts';

/**
 * The per-kind section of a run card (restore preview/execute, inventory, groups, backup),
 * from the run view's result and summary only. Parsed defensively: a shape that does not
 * match gives null and the card keeps its generic summary.
 */
export interface KindSection {
  heading: string;
  headline: string;
  headlineColor: TextColor;
  facts: Fact[];
  familiesTitle: string;
  families: Fact[];
  failedFamilies: string;
  itemsTitle: string;
  items: { title: string; detail: string; color: TextColor }[];
  moreItems: string;
  warnings: string[];
  moreWarnings: string;
}

export const emptyKindSection: KindSection = {
  heading: '', headline: '', headlineColor: 'Default', facts: [], familiesTitle: '', families: [], failedFamilies: '',
  itemsTitle: '', items: [], moreItems: '', warnings: [], moreWarnings: '',
};

/** Lists on a Teams card stop here so it stays well under 28 KB; the rest is "and N more". */
export const MAX_ITEMS = 12;
export const MAX_WARNINGS = 6;
const MAX_FAMILIES = 20;
const MAX_CANDIDATES = 3;

const count = z.number().int().nonnegative();

const familyCounts = z.record(z.string(), count);
const inventorySummarySchema = z.object({
  families: familyCounts, families_done: count.optional(), families_total: count.optional(), items: count.optional(),
  added: count.optional(), updated: count.optional(), removed: count.optional(), failed_families: z.array(z.string()).optional(),
});
const groupsSummarySchema = z.object({ mode: z.string(), resynced: z.boolean().optional(), upserted: count.optional(), removed: count.optional(), groups: count.optional() });
const backupSummarySchema = z.object({ items: count.optional(), families: familyCounts, failed_families: z.array(z.string()).optional(), families_total: count.optional(), backup_set_id: z.string().optional() });

const backupTypes = new Set(['backup_schedule.run_now', 'backup_schedule.retry', 'backup_schedule.scheduled']);

function itemName(item: { display_name: string | null; family: string; odata_type: string | null }): string {
  return `${clip(item.display_name ?? '(no name)', 80)} · ${humanize(item.family)}`;
}

function countFacts(counts: Record<string, number>, order: readonly string[]): Fact[] {
  return order.map((key) => ({ title: humanize(key), value: String(counts[key] ?? 0) }));
}

function familyFacts(families: Record<string, number>): Fact[] {
  return Object.entries(families).slice(0, MAX_FAMILIES).map(([name, n]) => ({ title: clip(humanize(name), 60), value: String(n) }));
}

function more(total: number, shown: number, noun: string): string {
  return total > shown ? `and ${total - shown} more ${noun}` : '';
}

function warningLines(warnings: RestorePreviewView['warnings'][number][], total: number): Pick<KindSection, 'warnings' | 'moreWarnings'> {
  const shown = warnings.slice(0, MAX_WARNINGS);
  return {
    warnings: shown.map((w) => clip(`${w.display_name ?? humanize(w.family)}: ${w.message}`, 200)),
    moreWarnings: more(Math.max(total, warnings.length), shown.length, 'warnings'),
  };
}

function previewSection(result: RestorePreviewView): KindSection {
  const shown = result.attention.slice(0, MAX_ITEMS);
  const needsLook = result.counts.conflict + result.counts.ambiguous;
  return {
    ...emptyKindSection,
    heading: 'Restore plan',
    headline: result.executable
      ? `Ready to restore: ${result.counts.create} to create, ${result.counts.update} to update. Nothing has been changed yet.`
      : 'Nothing to create or update: there is nothing to restore from this plan.',
    headlineColor: result.executable ? 'Good' : 'Default',
    facts: [
      ...countFacts(result.counts, planClasses),
      { title: 'Families', value: clip(result.families.map(humanize).join(', ') || 'none', 160) },
      { title: 'Inventory synced', value: formatTime(result.inventory.synced_at) },
      { title: 'Plan expires', value: formatTime(result.expires_at) },
    ],
    itemsTitle: needsLook > 0 ? 'Conflicts and ambiguous items' : '',
    items: shown.map((a) => {
      const candidates = a.candidates.slice(0, MAX_CANDIDATES).map((c) => clip(c.display_name ?? c.graph_id, 60));
      const extra = a.candidates.length > MAX_CANDIDATES ? ` +${a.candidates.length - MAX_CANDIDATES}` : '';
      return {
        title: `**${a.class === 'conflict' ? 'Conflict' : 'Ambiguous'}**: ${itemName(a)}`,
        detail: `${clip(a.reason, 200)}${candidates.length > 0 ? ` Existing: ${candidates.join(', ')}${extra}.` : ''}`,
        color: a.class === 'conflict' ? 'Attention' : 'Warning',
      };
    }),
    moreItems: more(Math.max(result.attention_total, result.attention.length), shown.length, 'conflicts or ambiguous items'),
    ...warningLines(result.warnings, result.warnings_total),
  };
}

const outcomeLabels: Record<(typeof itemOutcomes)[number], { label: string; color: TextColor }> = {
  created: { label: 'Created', color: 'Good' }, updated: { label: 'Updated', color: 'Good' }, unchanged: { label: 'Unchanged', color: 'Default' },
  conflict: { label: 'Conflict', color: 'Attention' }, ambiguous: { label: 'Ambiguous', color: 'Warning' }, skipped: { label: 'Skipped', color: 'Default' },
  failed: { label: 'Failed', color: 'Attention' }, not_attempted: { label: 'Not attempted', color: 'Warning' },
};

function executeSection(result: RestoreExecuteView): KindSection {
  const shown = result.attention.slice(0, MAX_ITEMS);
  const c = result.counts;
  return {
    ...emptyKindSection,
    heading: 'Restore result',
    headline: `${c.created} created, ${c.updated} updated${c.failed + c.not_attempted > 0 ? `, ${c.failed} failed, ${c.not_attempted} not attempted` : ''}.`,
    headlineColor: c.failed + c.not_attempted + c.conflict + c.ambiguous > 0 ? 'Warning' : 'Good',
    facts: [...countFacts(c, itemOutcomes), { title: 'Executed', value: formatTime(result.executed_at) }],
    itemsTitle: shown.length > 0 ? 'Items that need a look' : '',
    items: shown.map((a) => ({
      title: `**${outcomeLabels[a.outcome].label}**: ${itemName(a)}`,
      detail: `${a.reason_code ? `${clip(a.reason_code, 60)}: ` : ''}${clip(a.reason, 240)}`,
      color: outcomeLabels[a.outcome].color,
    })),
    moreItems: more(Math.max(result.attention_total, result.attention.length), shown.length, 'items'),
    ...warningLines(result.warnings, result.warnings_total),
  };
}

function failedLine(failed: readonly string[] | undefined): string {
  return failed && failed.length > 0 ? clip(`Failed families: ${failed.map(humanize).join(', ')}`, 300) : '';
}

function familiesSection(heading: string, facts: Fact[], families: Record<string, number>, failed: string[] | undefined): KindSection {
  const total = Object.keys(families).length;
  return {
    ...emptyKindSection, heading, facts,
    familiesTitle: total > 0 ? 'Items per family' : '',
    families: familyFacts(families),
    failedFamilies: [failedLine(failed), more(total, Math.min(total, MAX_FAMILIES), 'families')].filter(Boolean).join(' · '),
  };
}

function optionalFacts(entries: [string, number | undefined][]): Fact[] {
  return entries.flatMap(([title, value]) => (value === undefined ? [] : [{ title, value: String(value) }]));
}

/** The section for this run's kind, or null (unknown kind or shape: the generic summary stays). */
export function kindSection(view: RunView): KindSection | null {
  try {
    if (view.type === 'restore.preview' && !view.active) {
      const parsed = restorePreviewSchema.safeParse(view.result);
      return parsed.success ? previewSection(parsed.data) : null;
    }
    if (view.type === 'restore.execute' && !view.active) {
      const parsed = restoreExecuteSchema.safeParse(view.result);
      return parsed.success ? executeSection(parsed.data) : null;
    }
    if (view.type === 'inventory.sync') {
      const parsed = inventorySummarySchema.safeParse(view.summary);
      if (!parsed.success) return null;
      const s = parsed.data;
      return familiesSection('Inventory', optionalFacts([
        ['Items', s.items], ['Added', s.added], ['Updated', s.updated], ['Removed', s.removed],
        ['Families done', s.families_done], ['Families total', s.families_total],
      ]), s.families, s.failed_families);
    }
    if (view.type === 'directory_groups.sync') {
      const parsed = groupsSummarySchema.safeParse(view.summary);
      if (!parsed.success) return null;
      const s = parsed.data;
      return {
        ...emptyKindSection, heading: 'Groups',
        facts: [
          { title: 'Mode', value: clip(humanize(s.mode), 40) + (s.resynced ? ' (re-synced)' : '') },
          ...optionalFacts([['Upserted', s.upserted], ['Removed', s.removed], ['Groups', s.groups]]),
        ],
      };
    }
    if (backupTypes.has(view.type)) {
      const parsed = backupSummarySchema.safeParse(view.summary);
      if (!parsed.success) return null;
      const s = parsed.data;
      return familiesSection('Backup', optionalFacts([['Items', s.items], ['Families total', s.families_total]]), s.families, s.failed_families);
    }
  } catch {
    // A renderer must never fail a card: fall back to the generic summary.
  }
  return null;
}

/**
 * The Restore button's action: only on a finished, executable preview and only in a
 * manager's or owner's view (the shared card is the read-only view). startRun re-checks.
 */
export function restoreAction(view: RunView): CardAction | null {
  if (view.type !== 'restore.preview' || view.active || view.viewerRole === null || !roleAllows(view.viewerRole, 'manager')) return null;
  const parsed = restorePreviewSchema.safeParse(view.result);
  if (!parsed.success || !parsed.data.executable) return null;
  const restoreRunId = parsed.data.execute_action?.restoreRunId ?? parsed.data.restore_run_id;
  return z.uuid().safeParse(restoreRunId).success ? { verb: 'restore_execute', restoreRunId } : null;
}
