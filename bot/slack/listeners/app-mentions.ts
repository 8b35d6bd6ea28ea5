import type { App } from '@slack/bolt';
import { parseCommand } from '../../commands.ts';
import { otherWorkspaceMessage, replyMessage } from '../../../cards/slack/reply-blocks.ts';
import { appMentionSchema, fromAppMention } from '../payloads.ts';
import { startsRun } from '../../../services/chat/command.ts';
import { isStartReply, type ListenerDeps } from './listener-deps.ts';

/**
 * `@Operate Hub <command>` in a channel. Bolt acks events before listeners run. A
 * redelivery (x-slack-retry-num) of a start reaches startRun with the same event_id and
 * is dropped there; any other redelivered command is dropped here, as it was answered.
 */
export function registerAppMentions(app: App, deps: ListenerDeps): void {
  const { chat, replies, logger } = deps;
  app.event('app_mention', async ({ body, context }) => {
    const parsed = appMentionSchema.safeParse(body);
    if (!parsed.success) {
      logger.warn({ kind: 'app_mention', outcome: 'ignored' }, 'slack app_mention unreadable');
      return;
    }
    const { request, place } = fromAppMention(parsed.data);
    if (place.teamId !== deps.identity.teamId) {
      logger.warn({ kind: 'app_mention', outcome: 'other_workspace' }, 'slack request from another workspace refused');
      await replies.ephemeral(place, otherWorkspaceMessage(place.teamId));
      return;
    }
    const result = parseCommand(parsed.data.event.text);
    const retry = (context.retryNum ?? 0) > 0;
    if (retry && (!result.ok || !startsRun(result.command))) return;
    if (!result.ok) {
      await replies.ephemeral(place, replyMessage(chat.help(result.problem)));
      return;
    }
    const reply = await chat.handleCommand(request, result.command);
    logger.info({ kind: 'app_mention', verb: result.command.verb, retry, outcome: reply.kind, ...(reply.kind === 'run' ? { runId: reply.run.id, redelivered: reply.redelivered } : {}) }, 'slack mention');
    if (isStartReply(result.command, reply)) await replies.deliverStart(reply, place);
    else await replies.ephemeral(place, replyMessage(reply));
  });
}
