import type { ChatReply } from '../../services/chat/replies.ts';
import { code, context, escapeText, header, message, section, type Block, type SlackMessage } from './block-kit.ts';

type HelpReply = Extract<ChatReply, { kind: 'help' }>;
type ErrorReply = Extract<ChatReply, { kind: 'error' }>;

export function helpMessage(reply: HelpReply): SlackMessage {
  const lines = reply.commands.map((c) => `${code(`/opshub ${c.usage}`)} ${escapeText(c.description)}`);
  return message(reply.problem ? `${reply.problem} See the commands below.` : 'Operate Hub commands', [
    ...(reply.problem ? [section(`:warning: ${escapeText(reply.problem)}`)] : []),
    header('Operate Hub commands'),
    section(lines.join('\n')),
    section(`${code('/verify')} is short for ${code('/opshub verify')}. You can also write ${code('@Operate Hub <command>')} in a channel I was invited to.`),
    context(reply.notes.map(escapeText)),
  ]);
}

const idLabels: [string, string][] = [['user_id', 'Your Slack user'], ['team_id', 'Workspace'], ['channel_id', 'Channel']];

/** Ids and the exact CLI lines an owner runs to let this member in or bind this channel. */
function setupBlocks(setup: Record<string, unknown>): Block[] {
  const ids = idLabels.flatMap(([key, label]) => (typeof setup[key] === 'string' && setup[key] ? [`${label} ${code(setup[key])}`] : []));
  const cli = ['member_add', 'channel_bind'].flatMap((key) => (typeof setup[key] === 'string' ? [escapeText(setup[key])] : []));
  const tenants = Array.isArray(setup.tenants) ? setup.tenants.filter((t): t is string => typeof t === 'string') : [];
  return [
    ...(ids.length > 0 ? [section(`*Your ids:* ${ids.join(' · ')}`)] : []),
    ...(tenants.length > 0 ? [section(`*Your tenants:* ${tenants.map(code).join(' ')}`)] : []),
    ...(cli.length > 0 ? [section(`*An Operate Hub owner runs:*\n\`\`\`${cli.join('\n')}\`\`\``)] : []),
  ];
}

/** Errors and denials, always shown to the one member only. */
export function errorMessage(reply: ErrorReply): SlackMessage {
  const title = reply.denied ? 'Not allowed' : 'That did not work';
  return message(`${title}: ${reply.message}`, [
    section(`${reply.denied ? ':lock:' : ':warning:'} *${title}.* ${escapeText(reply.message)}`),
    section(`*What to do:* ${escapeText(reply.remediation)}`),
    ...(reply.setup ? setupBlocks(reply.setup) : []),
    context([`Reason code ${code(reply.reasonCode)}`]),
  ]);
}
