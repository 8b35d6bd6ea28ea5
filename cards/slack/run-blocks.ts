import type { FailureView, RunView } from '../../services/views/run-view.ts';
import { restoreButton, restoreExecute, restoreExecuteBlocks, restorePreview, restorePreviewBlocks, restoreProgressBlock } from './restore-blocks.ts';
import { actions, button, code, context, divider, escapeText, fields, header, message, section, slackDate, type Block, type SlackMessage } from './block-kit.ts';

export const statusEmoji: Record<string, string> = {
  queued: ':hourglass_flowing_sand:',
  running: ':arrows_counterclockwise:',
  succeeded: ':white_check_mark:',
  partially_succeeded: ':warning:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
};

/**
 * Who sees the message. `channel`: a posted message everyone in the conversation sees,
 * rendered from the least-privileged view; its buttons follow the run's state, since
 * the server re-checks role and tenant on every click. `viewer`: an ephemeral reply or
 * modal for one member, whose buttons follow that member's role.
 */
export type Audience = 'channel' | 'viewer';

const failuresShownOnCard = 5;

export function runTitle(view: RunView): string {
  return `${view.typeLabel} ${view.shortId}: ${view.statusLabel}`;
}

function scalar(value: unknown): string | null {
  if (typeof value === 'string') return escapeText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** Scalars, lists of scalars and flat objects of scalars (`pass 4 · fail 1`); deeper data is the report's. */
function shown(value: unknown): string | null {
  if (Array.isArray(value)) {
    const items = value.map(scalar);
    return items.every((i) => i !== null) ? (items.length === 0 ? '—' : items.join(', ')) : null;
  }
  if (typeof value === 'object' && value !== null) {
    const pairs = Object.entries(value).map(([k, v]) => [k, scalar(v)] as const);
    return pairs.length > 0 && pairs.every(([, v]) => v !== null) ? pairs.map(([k, v]) => `${escapeText(k)} ${v}`).join(' · ') : null;
  }
  return scalar(value);
}

function humanize(key: string): string {
  const words = key.replace(/[_.-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase();
  return escapeText(words.charAt(0).toUpperCase() + words.slice(1));
}

/** The run's summary (progress or counts): scalar values only, nested data is the report's. */
export function summaryBlock(view: RunView): Block | null {
  const pairs = Object.entries(view.summary).flatMap(([key, value]): [string, string][] => {
    const text = shown(value);
    return text === null ? [] : [[humanize(key), text]];
  });
  return pairs.length === 0 ? null : fields(pairs);
}

export function failureText(failure: FailureView): string {
  const mark = failure.blocking ? ':no_entry:' : ':warning:';
  const original = failure.originalCode ? ` (reported as ${code(failure.originalCode)})` : '';
  return `${mark} ${code(failure.reasonCode)}${original} ${escapeText(failure.message)}\n*What to do:* ${escapeText(failure.remediation)}`;
}

export function relatedText(view: RunView): string | null {
  if (view.related.length === 0) return null;
  return `*Related:* ${view.related.map((r) => `${escapeText(r.label)}`).join(' · ')}`;
}

function targetText(view: RunView): string {
  return view.target ? `${escapeText(view.target.label)} (${view.target.kind})` : escapeText(view.tenant.name);
}

export function runButtons(view: RunView, audience: Audience): Block[] {
  const connectionId = view.related.find((r) => r.kind === 'connection')?.id;
  const canCancel = audience === 'channel' ? view.active : view.actions.cancel;
  const canVerify = view.type === 'provider_connection.verify' && !view.active && (audience === 'channel' || view.actions.startVerification);
  const restore = restoreButton(view, audience);
  return [
    button('Refresh', { verb: 'refresh', runId: view.id }),
    ...(view.active ? [] : [button('Full report', { verb: 'open_report', runId: view.id }, 'primary')]),
    ...(canCancel ? [button('Cancel run', { verb: 'cancel_run', runId: view.id }, 'danger')] : []),
    ...(canVerify ? [button('Verify again', { verb: 'start_verification', ...(connectionId ? { connectionId } : {}) })] : []),
    ...(restore ? [restore] : []),
  ];
}

/**
 * What a run produced: a restore preview or execution from its parsed result, the
 * progress of a running restore, otherwise the summary (inventory, groups, backup counts).
 */
export function outcomeBlocks(view: RunView): (Block | null)[] {
  const preview = restorePreview(view);
  if (preview) return restorePreviewBlocks(preview);
  const executed = restoreExecute(view);
  if (executed) return restoreExecuteBlocks(executed, view.failures.length > 0);
  const progress = restoreProgressBlock(view);
  return [progress ?? summaryBlock(view)];
}

/** A run as a message: status, Target and Related, summary, the first failures, buttons. */
export function runMessage(view: RunView, audience: Audience, note?: string): SlackMessage {
  const first = view.failures.slice(0, failuresShownOnCard);
  const more = view.failures.length - first.length;
  return message(runTitle(view), [
    header(`${view.typeLabel}: ${view.statusLabel}`),
    section(`${statusEmoji[view.status] ?? ''} *${escapeText(view.statusLabel)}* · run ${code(view.shortId)} · ${escapeText(view.tenant.name)}`),
    fields([
      ['Target', targetText(view)],
      ['Started by', `${escapeText(view.trigger.actor)} (${escapeText(view.trigger.source)})`],
      ['Created', slackDate(view.createdAt)],
      ['Finished', view.finishedAt ? slackDate(view.finishedAt) : view.active ? '_in progress_' : '—'],
    ]),
    relatedText(view) ? context([relatedText(view) ?? '']) : null,
    ...outcomeBlocks(view),
    ...(first.length > 0 ? [divider(), ...first.map((f) => section(failureText(f)))] : []),
    more > 0 ? context([`_${more} more in the full report._`]) : null,
    note ? context([note]) : null,
    actions(runButtons(view, audience)),
  ]);
}
