import type { ChatReply, RunListItem } from '../../services/chat/replies.ts';
import type { RunView } from '../../services/views/run-view.ts';
import { CARD_SCHEMA, expandCard, type AdaptiveCard } from './adaptive-card.ts';
import { executeAction } from './actions.ts';
import { clip, formatTime, statusColors, type Fact } from './format.ts';
import { errorCardTemplate } from './templates/error-card.ts';
import { helpCardTemplate } from './templates/help-card.ts';
import { noticeCardTemplate } from './templates/notice-card.ts';
import { runsCardTemplate } from './templates/runs-card.ts';
import { statusCardTemplate } from './templates/status-card.ts';
import { whoamiCardTemplate } from './templates/whoami-card.ts';

type Reply<K extends ChatReply['kind']> = Extract<ChatReply, { kind: K }>;

function runRow(run: RunListItem) {
  return {
    shortId: run.shortId, typeLabel: run.typeLabel, statusLabel: run.statusLabel, color: statusColors[run.status] ?? 'Default',
    created: formatTime(run.createdAt), codes: run.reasonCodes.length > 0 ? ` (${clip(run.reasonCodes.slice(0, 3).join(', '), 80)})` : '',
    open: executeAction('Open', { verb: 'open_report', runId: run.id }),
  };
}

export function renderRunsCard(reply: Reply<'runs'>): AdaptiveCard {
  return expandCard(runsCardTemplate, {
    schema: CARD_SCHEMA, tenantName: reply.tenant.name, runs: reply.runs.slice(0, 10).map(runRow),
    emptyText: 'No runs yet. Start one with `verify`.', hint: 'Select a run to open its card, or type `run <id>`.',
    actions: [executeAction('Refresh list', { verb: 'show_runs' })],
  });
}

export function renderStatusCard(reply: Reply<'status'>): AdaptiveCard {
  const c = reply.connection;
  const connection: Fact[] = c
    ? [
        { title: 'Connection', value: c.shortId }, { title: 'Client id', value: c.clientId }, { title: 'Status', value: c.status },
        { title: 'Last verified', value: c.lastVerifiedAt ? formatTime(c.lastVerifiedAt) : 'never' },
      ]
    : [];
  return expandCard(statusCardTemplate, {
    schema: CARD_SCHEMA, tenantName: reply.tenant.name, hasConnection: c !== null, connection,
    noConnectionText: 'No connection yet: an owner adds one with `operate-hub connection add`.',
    activeRuns: reply.activeRuns.map(runRow), actions: [executeAction('Recent runs', { verb: 'show_runs' })],
  });
}

export function renderHelpCard(reply: Reply<'help'>, input = ''): AdaptiveCard {
  return expandCard(helpCardTemplate, {
    schema: CARD_SCHEMA, problem: reply.problem ?? '', input: reply.problem ? clip(input, 120) : '',
    commands: reply.commands.map((c) => ({ usage: c.usage, description: c.description })), notes: reply.notes,
  });
}

export function renderWhoamiCard(reply: Reply<'whoami'>): AdaptiveCard {
  const m = reply.member;
  return expandCard(whoamiCardTemplate, {
    schema: CARD_SCHEMA, heading: m.displayName ? `You are ${clip(m.displayName, 60)}` : 'You',
    facts: [
      { title: 'Tenant', value: `${reply.tenant.name} (${reply.tenant.slug})` }, { title: 'Role', value: m.role },
      { title: 'Member id', value: m.id }, { title: 'Teams user (AAD object id)', value: m.userId },
    ],
  });
}

const setupLabels: Record<string, string> = { member_add: 'Add this member', channel_bind: 'Bind this channel to a tenant' };
const setupIdLabels: Record<string, string> = { user_id: 'Your AAD object id', channel_id: 'Channel id', team_id: 'Team id', tenants: 'Your tenants' };

export function renderErrorCard(reply: Reply<'error'>): AdaptiveCard {
  const setup = reply.setup ?? {};
  const setupIds = Object.entries(setupIdLabels).flatMap(([key, title]) => {
    const value = setup[key];
    const text = Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : '';
    return text ? [{ title, value: text }] : [];
  });
  const setupLines = Object.entries(setupLabels).flatMap(([key, title]) => (typeof setup[key] === 'string' ? [{ title, line: setup[key] }] : []));
  return expandCard(errorCardTemplate, {
    schema: CARD_SCHEMA, heading: reply.denied ? 'Not allowed' : 'That did not work', color: reply.denied ? 'Attention' : 'Warning',
    message: clip(reply.message, 500), remediation: clip(reply.remediation, 300), reasonCode: reply.reasonCode,
    hasSetup: setupIds.length + setupLines.length > 0, setupIds, setupLines,
  });
}

/** "Already running": points at the active run without posting a second full card. */
export function renderAlreadyRunningCard(view: RunView): AdaptiveCard {
  return expandCard(noticeCardTemplate, {
    schema: CARD_SCHEMA,
    text: `${view.typeLabel} is already ${view.status === 'queued' ? 'queued' : 'running'}: run ${view.shortId} (started ${formatTime(view.createdAt)}). Its card updates as it progresses.`,
    actions: [executeAction(`Open run ${view.shortId}`, { verb: 'open_report', runId: view.id })],
  });
}
