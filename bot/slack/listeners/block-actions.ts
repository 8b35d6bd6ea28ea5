import type { App } from '@slack/bolt';
import { cardActionSchema, type CardAction } from '../../../services/chat/chat-service.ts';
import type { ChatReply } from '../../../services/chat/replies.ts';
import { otherWorkspaceMessage, replyMessage, runMessage } from '../../../cards/slack/reply-blocks.ts';
import { blockActionSchema, fromBlockAction, type SlackPlace } from '../payloads.ts';
import type { ListenerDeps } from './listener-deps.ts';

function parseValue(value: string | undefined): unknown {
  try {
    return value === undefined ? null : JSON.parse(value);
  } catch {
    return null;
  }
}

/**
 * Buttons. A channel message's buttons are visible to everyone, so the service
 * re-checks tenant and role on every click (a refusal is audited there); the button's
 * value is only a claim, parsed strictly. Acked at once: all work follows the ack.
 */
export function registerBlockActions(app: App, deps: ListenerDeps): void {
  const { chat, replies, logger } = deps;

  async function deliver(reply: ChatReply, action: CardAction | null, place: SlackPlace, ephemeralContainer: boolean): Promise<void> {
    if (reply.kind !== 'run' || !action) {
      await replies.ephemeral(place, replyMessage(reply));
      return;
    }
    switch (action.verb) {
      case 'open_report':
        await replies.openReport(place, reply.run);
        return;
      case 'refresh':
      case 'cancel_run': {
        // An ephemeral card is the clicker's own view; a channel message stays least-privileged.
        if (ephemeralContainer) {
          await replies.respond(place, runMessage(reply.run, 'viewer'), { replaceOriginal: true });
          return;
        }
        const shared = await chat.sharedRunView(reply.run.id);
        if (shared) await replies.respond(place, runMessage(shared, 'channel'), { replaceOriginal: true, inChannel: true });
        return;
      }
      case 'show_runs':
        await replies.ephemeral(place, replyMessage(reply));
        return;
      // Every other verb starts a run (start_verification, and verbs added later).
      default:
        await replies.deliverStart(reply, place);
    }
  }

  app.action(/.*/, async ({ body, ack }) => {
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    const where = parsed.success ? fromBlockAction(parsed.data) : null;
    const first = parsed.success ? parsed.data.actions[0] : undefined;
    if (!parsed.success || !where || !first?.action_id.startsWith('opshub_')) {
      logger.warn({ kind: 'block_action', outcome: 'ignored' }, 'slack block action not ours or unreadable');
      return;
    }
    const { request, place } = where;
    if (place.teamId !== deps.identity.teamId) {
      logger.warn({ kind: 'block_action', outcome: 'other_workspace' }, 'slack request from another workspace refused');
      await replies.respond(place, otherWorkspaceMessage(place.teamId));
      return;
    }
    const raw = parseValue(first.value);
    const reply = await chat.handleAction(request, raw);
    const action = cardActionSchema.safeParse(raw);
    logger.info({ kind: 'block_action', verb: action.success ? action.data.verb : 'invalid', outcome: reply.kind, ...(reply.kind === 'error' ? { reasonCode: reply.reasonCode } : {}) }, 'slack block action');
    await deliver(reply, action.success ? action.data : null, place, parsed.data.container.is_ephemeral ?? false);
  });
}
