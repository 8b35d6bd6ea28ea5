import type { ChatService } from '../../services/chat/chat-service.ts';
import type { ChatReply } from '../../services/chat/replies.ts';
import type { Logger } from '../../services/logger.ts';
import type { RunNotifier } from '../../services/runs/notifier.ts';
import type { RunView } from '../../services/views/run-view.ts';
import { duplicateMessage, notInChannelMessage, reportMessage, reportModal, runMessage, type SlackMessage } from '../../cards/slack/reply-blocks.ts';
import { safeError } from './bolt-logger.ts';
import type { SlackPlace } from './payloads.ts';
import { platformError, type SlackIdentity, type WebClient } from './slack-api.ts';

export interface SlackRepliesDeps {
  chat: ChatService;
  client: WebClient;
  identity: SlackIdentity;
  logger: Logger;
  notifier: RunNotifier;
  /** Origins a response_url may point to (Slack's hooks host, or the fake in tests). */
  responseOrigins: string[];
}

type RunReply = Extract<ChatReply, { kind: 'run' }>;

/** Where the bot cannot post: answer the member through response_url instead. */
const cannotPost = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/**
 * How answers reach Slack once the request is acknowledged: run messages posted to the
 * channel and recorded for in-place updates, ephemeral answers for one member,
 * response_url when the bot cannot post, and the report modal.
 */
export function createSlackReplies(deps: SlackRepliesDeps) {
  const { client, logger } = deps;

  function permalink(channelId: string, ts: string): string {
    return `${deps.identity.workspaceUrl.replace(/\/?$/, '/')}archives/${channelId}/p${ts.replace('.', '')}`;
  }

  /** Posts to response_url (at most 5 per interaction, for 30 minutes). */
  async function respond(place: SlackPlace, body: SlackMessage, options: { replaceOriginal?: boolean; inChannel?: boolean } = {}): Promise<boolean> {
    const url = place.responseUrl;
    if (!url || !deps.responseOrigins.includes(new URL(url).origin)) {
      logger.warn({ channelId: place.channelId, hasResponseUrl: Boolean(url) }, 'no usable response_url; answer dropped');
      return false;
    }
    const payload = { ...body, response_type: options.inChannel ? 'in_channel' : 'ephemeral', replace_original: options.replaceOriginal ?? false };
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), signal: AbortSignal.timeout(10_000) })
      .catch((error: unknown) => {
        logger.warn({ err: safeError(error) }, 'response_url post failed');
        return null;
      });
    return response?.ok ?? false;
  }

  /** For the member only; falls back to response_url where the bot cannot post. */
  async function ephemeral(place: SlackPlace, body: SlackMessage): Promise<void> {
    try {
      await client.chat.postEphemeral({ channel: place.channelId, user: place.userId, text: body.text, blocks: body.blocks });
    } catch (error) {
      if (!(await respond(place, body))) logger.warn({ err: safeError(error), channelId: place.channelId }, 'ephemeral reply failed');
    }
  }

  function pointer(reply: RunReply, place: SlackPlace): SlackMessage {
    const slack = reply.messages.filter((m) => m.platform === 'slack');
    const here = slack.find((m) => m.channelId === place.channelId) ?? slack[0];
    return duplicateMessage(reply.run, here ? permalink(here.channelId, here.messageId) : null);
  }

  /**
   * The run's shared message: posted with the least-privileged view, recorded so the
   * notifier updates it in place. A change committed between render and record would be
   * missed by the notifier, so the message is re-checked once after recording.
   */
  async function postRun(runId: string, place: SlackPlace): Promise<void> {
    const view = await deps.chat.sharedRunView(runId);
    if (!view) return;
    const card = runMessage(view, 'channel');
    try {
      const posted = await client.chat.postMessage({ channel: place.channelId, text: card.text, blocks: card.blocks, unfurl_links: false });
      if (!posted.ts || !posted.channel) return;
      await deps.chat.recordRunMessage({ runId, platform: 'slack', channelId: posted.channel, messageId: posted.ts, conversation: { teamId: deps.identity.teamId } });
      const now = await deps.chat.sharedRunView(runId);
      if (now && JSON.stringify(runMessage(now, 'channel').blocks) !== JSON.stringify(card.blocks)) deps.notifier.runChanged(runId);
    } catch (error) {
      const code = platformError(error);
      if (code && cannotPost.has(code)) {
        await respond(place, notInChannelMessage(view));
        return;
      }
      logger.error({ err: safeError(error), runId, channelId: place.channelId }, 'posting the run message failed');
      await respond(place, runMessage(view, 'viewer'));
    }
  }

  /** After a start: a new run gets its channel message; a joined one a pointer; a redelivery nothing. */
  async function deliverStart(reply: RunReply, place: SlackPlace): Promise<void> {
    if (reply.redelivered) return;
    if (reply.deduplicated) await ephemeral(place, pointer(reply, place));
    else await postRun(reply.run.id, place);
  }

  /** Readonly members may always open the report; a modal needs a live trigger_id. */
  async function openReport(place: SlackPlace, view: RunView): Promise<void> {
    if (place.triggerId) {
      try {
        await client.views.open({ trigger_id: place.triggerId, view: reportModal(view) as never });
        return;
      } catch (error) {
        logger.warn({ err: safeError(error) }, 'views.open failed; sending the report ephemerally');
      }
    }
    await ephemeral(place, reportMessage(view));
  }

  return { permalink, respond, ephemeral, pointer, postRun, deliverStart, openReport };
}

export type SlackReplies = ReturnType<typeof createSlackReplies>;
