import type { ChatReply, RunListItem } from '../../services/chat/replies.ts';
import { actions, button, code, context, escapeText, fields, header, message, section, slackDate, type Block, type SlackMessage } from './block-kit.ts';
import { statusEmoji } from './run-blocks.ts';

type RunsReply = Extract<ChatReply, { kind: 'runs' }>;
type StatusReply = Extract<ChatReply, { kind: 'status' }>;
type WhoamiReply = Extract<ChatReply, { kind: 'whoami' }>;

function runLine(run: RunListItem): Block {
  const reasons = run.reasonCodes.length > 0 ? ` · ${run.reasonCodes.slice(0, 3).map(code).join(' ')}` : '';
  return section(
    `${statusEmoji[run.status] ?? ''} *${escapeText(run.typeLabel)}* · ${escapeText(run.statusLabel)}\n${code(run.shortId)} · ${slackDate(run.createdAt)}${reasons}`,
    button('Open', { verb: 'open_report', runId: run.id }),
  );
}

export function runsMessage(reply: RunsReply): SlackMessage {
  return message(`Recent runs of ${reply.tenant.name}`, [
    header(`Recent runs: ${reply.tenant.name}`),
    ...(reply.runs.length === 0 ? [section('No runs yet. Start one with `/opshub verify` or `/opshub sync inventory`.')] : reply.runs.map(runLine)),
    context([`Your role: *${reply.viewerRole}* · \`/opshub run <id>\` shows one run`]),
  ]);
}

export function statusMessage(reply: StatusReply): SlackMessage {
  const c = reply.connection;
  return message(`Status of ${reply.tenant.name}`, [
    header(`Status: ${reply.tenant.name}`),
    c
      ? fields([
          ['Connection', `${code(c.shortId)} (app ${code(c.clientId)})`],
          ['Connection status', escapeText(c.status)],
          ['Last verified', slackDate(c.lastVerifiedAt)],
          ['Active runs', String(reply.activeRuns.length)],
        ])
      : section(':warning: This tenant has no Microsoft connection. Add one: `operate-hub connection add --tenant T --client-id GUID`.'),
    ...reply.activeRuns.map(runLine),
    actions([button('Show runs', { verb: 'show_runs' })]),
  ]);
}

export function whoamiMessage(reply: WhoamiReply): SlackMessage {
  const m = reply.member;
  return message(`You are ${m.role} in ${reply.tenant.name}`, [
    section(`You are *${m.role}* in *${escapeText(reply.tenant.name)}* (${code(reply.tenant.slug)}).`),
    fields([
      ['Member id', code(m.id)],
      ['Slack user', code(m.userId)],
      ['Workspace', code(m.teamId || '—')],
      ['Name', escapeText(m.displayName ?? '—')],
    ]),
  ]);
}
