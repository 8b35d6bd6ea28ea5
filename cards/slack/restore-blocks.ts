import { z } from 'zod/v4';
import { roleAllows } from '../../services/auth/roles.ts';
import { restoreExecuteSchema, restorePreviewSchema } from '../../services/restores/view-schemas.ts';
import type { RestoreExecuteView, RestorePreviewView } from '../../services/restores/views.ts';
import type { RunView } from '../../services/views/run-view.ts';
import { button, clip, code, context, divider, escapeText, fields, plain, section, slackDate, type Block } from './block-kit.ts';

/**
 * Restore preview and execute runs, rendered from the run's stored result only. The
 * result is parsed defensively: an older or foreign shape renders nothing extra.
 */

/** Items listed on a card; the rest are counted ("and N more"), the report/CLI has them all. */
const attentionShown = 8;
const warningsShown = 5;
const candidatesShown = 3;


export function restorePreview(view: RunView): RestorePreviewView | null {
  if (view.type !== 'restore.preview') return null;
  const parsed = restorePreviewSchema.safeParse(view.result);
  return parsed.success ? parsed.data : null;
}

export function restoreExecute(view: RunView): RestoreExecuteView | null {
  if (view.type !== 'restore.execute') return null;
  const parsed = restoreExecuteSchema.safeParse(view.result);
  return parsed.success ? parsed.data : null;
}

const classLabels: Record<string, string> = {
  create: 'Create', update: 'Update', unchanged: 'Unchanged', conflict: 'Conflict', ambiguous: 'Ambiguous', skipped: 'Skipped',
  created: 'Created', updated: 'Updated', failed: 'Failed', not_attempted: 'Not attempted',
};
const classMarks: Record<string, string> = { conflict: ':warning:', ambiguous: ':grey_question:', failed: ':x:', not_attempted: ':heavy_minus_sign:', skipped: ':heavy_minus_sign:' };

function countFields(values: Record<string, number>): Block {
  return fields(Object.entries(values).map(([key, n]): [string, string] => [classLabels[key] ?? escapeText(key), String(n)]));
}

function itemName(item: { family: string; display_name: string | null; odata_type: string | null }): string {
  const name = item.display_name ? `*${escapeText(clip(item.display_name, 200))}*` : '_(no name)_';
  return `${name} · ${escapeText(clip(item.family, 80))}${item.odata_type ? ` · ${code(clip(item.odata_type, 120))}` : ''}`;
}

function moreNote(shown: number, total: number, what: string): Block | null {
  const more = total - shown;
  return more > 0 ? context([`_and ${more} more ${what} in the full report or the CLI._`]) : null;
}

function warningsBlocks(warnings: RestorePreviewView['warnings'], total: number): (Block | null)[] {
  if (total === 0 || warnings.length === 0) return [];
  const first = warnings.slice(0, warningsShown);
  const lines = first.map((w) => `• ${w.display_name ? `*${escapeText(clip(w.display_name, 200))}*` : '_(no name)_'} (${escapeText(clip(w.family, 80))}): ${escapeText(clip(w.message, 400))}`);
  return [section(`:warning: *Warnings (${total})*\n${lines.join('\n')}`), moreNote(first.length, total, total === 1 ? 'warning' : 'warnings')];
}

export function restorePreviewBlocks(preview: RestorePreviewView): (Block | null)[] {
  const first = preview.attention.slice(0, attentionShown);
  const toWrite = preview.counts.create + preview.counts.update;
  return [
    section(preview.executable
      ? `:clipboard: *${toWrite} item${toWrite === 1 ? '' : 's'} to restore.* The plan expires ${slackDate(preview.expires_at)}; a manager runs it with *Restore*.`
      : ':clipboard: *Nothing to create or update.* This plan has nothing to restore.'),
    countFields(preview.counts),
    context([`Families: ${escapeText(clip(preview.families.join(', ') || '—', 1000))} · inventory from ${slackDate(preview.inventory.synced_at)}`]),
    ...(first.length > 0 ? [divider(), section(`*Needs attention (${preview.attention_total})*`)] : []),
    ...first.map((a) => {
      const candidates = a.candidates.slice(0, candidatesShown).map((c) => (c.display_name ? escapeText(clip(c.display_name, 120)) : code(c.graph_id)));
      const moreCandidates = a.candidates.length - candidates.length;
      const candidateLine = candidates.length > 0 ? `\nExisting: ${candidates.join(', ')}${moreCandidates > 0 ? ` and ${moreCandidates} more` : ''}` : '';
      return section(`${classMarks[a.class] ?? ''} ${classLabels[a.class] ?? ''} · ${itemName(a)}\n${code(a.reason_key)} ${escapeText(clip(a.reason, 600))}${candidateLine}`);
    }),
    first.length > 0 ? moreNote(first.length, preview.attention_total, 'items') : null,
    ...warningsBlocks(preview.warnings, preview.warnings_total),
  ];
}

/**
 * Items already listed as run failures (failed, not attempted: with remediation) are
 * not repeated; conflicts and ambiguities found at write time are.
 */
export function restoreExecuteBlocks(result: RestoreExecuteView, hasFailures: boolean): (Block | null)[] {
  const listed = hasFailures ? result.attention.filter((a) => a.outcome !== 'failed' && a.outcome !== 'not_attempted') : result.attention;
  const repeated = result.attention.length - listed.length;
  const first = listed.slice(0, attentionShown);
  return [
    section(`:inbox_tray: *Restored ${result.counts.created + result.counts.updated} item${result.counts.created + result.counts.updated === 1 ? '' : 's'}* · executed ${slackDate(result.executed_at)}`),
    countFields(result.counts),
    ...(first.length > 0 ? [divider(), section(`*Needs attention (${result.attention_total})*`)] : []),
    ...first.map((a) => section(`${classMarks[a.outcome] ?? ''} ${classLabels[a.outcome] ?? escapeText(a.outcome)} · ${itemName(a)}\n${a.reason_code ? `${code(a.reason_code)} ` : ''}${escapeText(clip(a.reason, 600))}`)),
    first.length > 0 ? moreNote(first.length, result.attention_total - repeated, 'items') : null,
    ...warningsBlocks(result.warnings, result.warnings_total),
  ];
}

/** While a restore runs its summary carries `{done, total}`. */
export function restoreProgressBlock(view: RunView): Block | null {
  if (view.type !== 'restore.execute' || !view.active) return null;
  const { done, total } = view.summary;
  if (typeof done !== 'number' || typeof total !== 'number') return null;
  return section(`:arrows_counterclockwise: Restoring: *${done}* of *${total}* items written.`);
}

/**
 * The Restore button of an executable preview. On the shared channel message it follows
 * the run (everyone sees it; the server re-checks the manager role, plan age and tenant
 * on click); on one member's own view it follows that member's role.
 */
export function restoreButton(view: RunView, audience: 'channel' | 'viewer'): Block | null {
  const preview = restorePreview(view);
  if (!preview?.executable || view.active || view.status !== 'succeeded') return null;
  if (audience === 'viewer' && (view.viewerRole === null || !roleAllows(view.viewerRole, 'manager'))) return null;
  const parsed = z.uuid().safeParse(preview.execute_action?.restoreRunId ?? preview.restore_run_id);
  if (!parsed.success) return null;
  const n = preview.counts.create + preview.counts.update;
  return {
    ...button('Restore', { verb: 'restore_execute', restoreRunId: parsed.data }, 'danger'),
    confirm: {
      title: plain('Restore?', 100),
      text: plain(clip(`Restore ${n} item${n === 1 ? '' : 's'} into ${view.tenant.name}?`, 300), 300),
      confirm: plain('Restore', 30),
      deny: plain('Cancel', 30),
      style: 'danger',
    },
  };
}
