import type { App, RespondArguments } from '@slack/bolt';
import { parseCommand } from '../../commands.ts';
import type { ChatReply } from '../../../services/chat/replies.ts';
import type { Command } from '../../../services/chat/command.ts';
import { otherWorkspaceMessage, replyMessage, workingMessage } from '../../../cards/slack/reply-blocks.ts';
import { fromSlashCommand, slashCommandSchema, type SlackPlace } from '../payloads.ts';
import { isSlashCommand, slackSurface } from '../slack-surface.ts';
import { ephemeralBody, isStartReply, within, type ListenerDeps } from './listener-deps.ts';

type Ack = (body?: RespondArguments) => Promise<void>;

/**
 * `/opshub <command>` and `/verify`. Slack shows operation_timeout after 3 s, so the
 * run is started (fast: one transaction), then acked; a new run's message is posted
 * after the ack. Everything else is the ack's own ephemeral body.
 */
export function registerSlashCommands(app: App, deps: ListenerDeps): void {
  const { chat, replies, logger } = deps;

  async function answer(ack: Ack, reply: ChatReply, command: Command, place: SlackPlace): Promise<void> {
    if (isStartReply(command, reply)) {
      if (reply.redelivered) return ack();
      if (reply.deduplicated) return ack(ephemeralBody(replies.pointer(reply, place)));
      await ack();
      await replies.postRun(reply.run.id, place);
      return;
    }
    await ack(ephemeralBody(replyMessage(reply)));
  }

  /** The service was slow: the ack already went out, the answer follows via response_url. */
  async function answerLate(reply: ChatReply, command: Command, place: SlackPlace): Promise<void> {
    if (isStartReply(command, reply)) {
      if (reply.redelivered) return;
      if (reply.deduplicated) await replies.respond(place, replies.pointer(reply, place));
      else await replies.postRun(reply.run.id, place);
      return;
    }
    await replies.respond(place, replyMessage(reply));
  }

  app.command(/^\/.+/, async ({ command: body, ack, context }) => {
    const parsed = slashCommandSchema.safeParse(body);
    if (!parsed.success) {
      await ack(ephemeralBody(replyMessage(chat.help('That slash command could not be read.'))));
      return;
    }
    const { request, place } = fromSlashCommand(parsed.data);
    if (place.teamId !== deps.identity.teamId) {
      logger.warn({ kind: 'slash_command', outcome: 'other_workspace' }, 'slack request from another workspace refused');
      await ack(ephemeralBody(otherWorkspaceMessage(place.teamId)));
      return;
    }
    const name = parsed.data.command.toLowerCase();
    // A bare `/opshub` asks what it can do: help, without a warning.
    const text = isSlashCommand(name) ? `${slackSurface.commands[name].prefix}${parsed.data.text}`.trim() || 'help' : '';
    const result = isSlashCommand(name) ? parseCommand(text) : null;
    if (!result?.ok) {
      logger.info({ kind: 'slash_command', outcome: 'help' }, 'slack command not understood');
      await ack(ephemeralBody(replyMessage(chat.help(result ? result.problem : `Unknown slash command ${parsed.data.command}.`))));
      return;
    }
    const pending = chat.handleCommand(request, result.command);
    const waited = typeof context.receivedAt === 'number' ? performance.now() - context.receivedAt : 0;
    const reply = await within(pending, Math.max(0, deps.ackBudgetMs - waited));
    if (reply === undefined) {
      await ack(ephemeralBody(workingMessage));
      await answerLate(await pending, result.command, place);
      return;
    }
    logger.info({ kind: 'slash_command', verb: result.command.verb, outcome: reply.kind, ...(reply.kind === 'error' ? { reasonCode: reply.reasonCode } : {}), ...(reply.kind === 'run' ? { runId: reply.run.id, deduplicated: reply.deduplicated } : {}) }, 'slack command');
    await answer(ack, reply, result.command, place);
  });
}
