import type { ChatReply } from '../../services/chat/replies.ts';
import type { RunView } from '../../services/views/run-view.ts';
import { code, context, escapeText, message, section, type SlackMessage } from './block-kit.ts';
import { errorMessage, helpMessage } from './help-blocks.ts';
import { runsMessage, statusMessage, whoamiMessage } from './list-blocks.ts';
import { runMessage, runTitle } from './run-blocks.ts';

export { runMessage, type Audience } from './run-blocks.ts';
export { reportMessage, reportModal } from './report-blocks.ts';
export type { SlackMessage, Block } from './block-kit.ts';

/** Any chat reply as a message for ONE member (ephemeral, a DM or a modal). */
export function replyMessage(reply: ChatReply): SlackMessage {
  switch (reply.kind) {
    case 'run': return runMessage(reply.run, 'viewer');
    case 'runs': return runsMessage(reply);
    case 'status': return statusMessage(reply);
    case 'whoami': return whoamiMessage(reply);
    case 'help': return helpMessage(reply);
    case 'error': return errorMessage(reply);
  }
}

/** A start that joined a run already in progress: a pointer, not a second message. */
export function duplicateMessage(view: RunView, permalink: string | null): SlackMessage {
  const where = permalink ? `<${permalink}|its message>` : 'its message in the channel where it started';
  return message(`${runTitle(view)} is already in progress`, [
    section(`:information_source: This ${escapeText(view.typeLabel.toLowerCase())} is already ${escapeText(view.statusLabel.toLowerCase())} (run ${code(view.shortId)}): follow ${where}. Nothing new was started.`),
  ]);
}

/** The bot is not in the channel: the card comes only to the member, who can invite it. */
export function notInChannelMessage(view: RunView): SlackMessage {
  return runMessage(view, 'viewer', `:point_right: I am not in this channel, so I cannot post this run here or keep it updated. Invite me with \`/invite @Operate Hub\`, then check it with ${code(`/opshub run ${view.shortId}`)}.`);
}

/** Requests from another Slack workspace than the bot's own. */
export function otherWorkspaceMessage(teamId: string): SlackMessage {
  return message('Not allowed from this workspace', [
    section(`:lock: *Not allowed.* This Operate Hub serves one Slack workspace; requests from workspace ${code(teamId)} are refused.`),
    context(['Reason code `not_authorized`']),
  ]);
}

/** Shown in the ack while a slow start finishes (the result follows through response_url). */
export const workingMessage: SlackMessage = message('Working on it…', [context([':hourglass_flowing_sand: Working on it…'])]);
