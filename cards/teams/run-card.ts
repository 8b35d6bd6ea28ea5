import type { RunView } from '../../services/views/run-view.ts';
import { CARD_SCHEMA, expandCard, type AdaptiveCard } from './adaptive-card.ts';
import { executeAction, refreshBlock } from './actions.ts';
import { clip, formatTime, primitiveFacts, statusColors, type Fact, type TextColor } from './format.ts';
import { emptyReport, reportSection, type ReportSection } from './report-section.ts';
import { emptyKindSection, kindSection, restoreAction, type KindSection } from './run-kinds.ts';
import { runCardTemplate } from './templates/run-card.ts';

const MAX_FAILURES = 8;

export interface RunCardOptions {
  /** Teams user ids that auto-refresh into their own view (refresh.userIds). */
  refreshUserIds: readonly string[];
  /** A line above the facts, e.g. why this card is shown. */
  notice?: string;
}

interface RunCardData {
  schema: string;
  refresh: ReturnType<typeof refreshBlock>;
  title: string;
  statusLabel: string;
  statusColor: TextColor;
  notice: string;
  facts: Fact[];
  active: boolean;
  progressText: string;
  progressFacts: Fact[];
  summaryFacts: Fact[];
  failures: { reasonCode: string; blockingLabel: string; message: string; remediation: string }[];
  moreFailures: string;
  hasReport: boolean;
  report: ReportSection;
  hasKind: boolean;
  kind: KindSection;
  related: Fact[];
  footer: string;
  actions: Record<string, unknown>[];
}

/** Keys a handler's progress() writes that read better as the progress line than as facts. */
const progressKeys = ['completed', 'done', 'processed', 'total', 'phase', 'step'] as const;

function progressText(view: RunView): string {
  if (view.status === 'queued') return 'Queued: waiting for a worker to pick it up.';
  const s = view.summary;
  const total = typeof s.total === 'number' ? s.total : undefined;
  const done = [s.completed, s.done, s.processed].find((v): v is number => typeof v === 'number');
  const phase = [s.phase, s.step].find((v): v is string => typeof v === 'string');
  const counts = total !== undefined && done !== undefined ? `${done} of ${total}` : '';
  return ['Running', phase ? clip(phase, 80) : '', counts].filter(Boolean).join(': ') + '.';
}

function cardActions(view: RunView): Record<string, unknown>[] {
  const actions = [executeAction('Refresh', { verb: 'refresh', runId: view.id }, { style: view.active ? 'positive' : 'default' })];
  const restore = restoreAction(view);
  if (restore) actions.push(executeAction('Restore', restore, { style: 'positive' }));
  if (view.actions.cancel) actions.push(executeAction('Cancel run', { verb: 'cancel_run', runId: view.id }, { style: 'destructive' }));
  if (view.actions.startVerification) {
    const connection = view.related.find((r) => r.kind === 'connection');
    actions.push(executeAction('Start verification', { verb: 'start_verification', ...(connection ? { connectionId: connection.id } : {}) }, { style: 'positive' }));
  }
  actions.push(executeAction('Recent runs', { verb: 'show_runs' }));
  return actions;
}

function viewLabel(view: RunView): string {
  if (view.viewerRole === null || view.viewerRole === 'readonly') return 'Read-only view; Refresh shows the actions your role allows.';
  return `Your view (${view.viewerRole}).`;
}

/** The run card: pure function of the run's view model (rows from the database only). */
export function renderRunCard(view: RunView, options: RunCardOptions): AdaptiveCard {
  const report = view.type === 'provider_connection.verify' && !view.active ? reportSection(view.result) : null;
  const kind = kindSection(view);
  const facts: Fact[] = [
    { title: 'Run', value: view.shortId },
    { title: 'Tenant', value: clip(view.tenant.name, 80) },
    ...(view.target ? [{ title: 'Target', value: clip(view.target.label, 100) }] : []),
    { title: 'Started by', value: `${view.trigger.source}${view.trigger.actor === 'system' ? ' (system)' : ''}` },
    { title: 'Created', value: formatTime(view.createdAt) },
    ...(view.finishedAt ? [{ title: 'Finished', value: formatTime(view.finishedAt) }] : []),
  ];
  const data: RunCardData = {
    schema: CARD_SCHEMA,
    refresh: refreshBlock(view.id, options.refreshUserIds),
    title: view.typeLabel,
    statusLabel: view.statusLabel,
    statusColor: statusColors[view.status] ?? 'Default',
    notice: options.notice ?? '',
    facts,
    active: view.active,
    progressText: view.active ? progressText(view) : '',
    // A kind section shows the summary's counts itself (per family, per class), so the flat facts give way.
    progressFacts: view.active && !kind ? primitiveFacts(view.summary, { skip: progressKeys, max: 6 }) : [],
    summaryFacts: view.active || kind ? [] : primitiveFacts(view.summary, { max: 8 }),
    // A verification's failures are its failed checks, which the report section shows with their fixes.
    failures: (report ? [] : view.failures).slice(0, MAX_FAILURES).map((f) => ({
      reasonCode: f.originalCode ? `${f.reasonCode} (${clip(f.originalCode, 40)})` : f.reasonCode,
      blockingLabel: f.blocking ? ' (blocking)' : '',
      message: clip(f.message, 300),
      remediation: clip(f.remediation, 300),
    })),
    moreFailures: !report && view.failures.length > MAX_FAILURES ? `+${view.failures.length - MAX_FAILURES} more failures (operate-hub runs show ${view.shortId} lists them all).` : '',
    hasReport: report !== null,
    report: report ?? emptyReport,
    hasKind: kind !== null,
    kind: kind ?? emptyKindSection,
    related: view.related.map((r) => ({ title: r.label.replace(` ${r.shortId}`, ''), value: r.shortId })),
    footer: `Run ${view.shortId} · ${viewLabel(view)}`,
    actions: cardActions(view),
  };
  return expandCard(runCardTemplate, data);
}
