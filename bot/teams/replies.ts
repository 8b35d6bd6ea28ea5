import { ActivityTypes, CardFactory, MessageFactory, TurnContext, type Activity } from 'botbuilder';
import type { ChatService } from '../../services/chat/chat-service.ts';
import type { RunView } from '../../services/views/run-view.ts';
import { CARD_CONTENT_TYPE, type AdaptiveCard } from '../../cards/teams/adaptive-card.ts';
import { renderRunCard } from '../../cards/teams/run-card.ts';

export function cardMessage(card: AdaptiveCard): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

/**
 * The invoke response of an Action.Execute, sent by us: returning a card with `refresh`
 * from a teams-ai handler makes it PUT that card over the shared message ("replace for
 * all"), turning one viewer's view into everyone's. This replaces it for the clicker only.
 */
export async function respondWithCard(context: TurnContext, card: AdaptiveCard): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: { statusCode: 200, type: CARD_CONTENT_TYPE, value: card } } });
}

/** A short text answer to an Action.Execute; the card the user clicked stays as it was. */
export async function respondWithMessage(context: TurnContext, text: string): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } } });
}

/** The shared card of a run: the read-only view, refreshed into their own view for members who may act. */
export async function sharedRunCard(chat: ChatService, view: RunView): Promise<AdaptiveCard> {
  const [shared, userIds] = await Promise.all([chat.sharedRunView(view.id), chat.actionUserIds(view.tenant.id)]);
  return renderRunCard(shared ?? { ...view, viewerRole: 'readonly', actions: { refresh: true, cancel: false, startVerification: false } }, { refreshUserIds: userIds });
}

/**
 * Posts a run's shared card into the conversation and records it in run_messages, so the
 * notifier can update it in place with the conversation reference stored beside it.
 */
export async function postRunCard(context: TurnContext, chat: ChatService, view: RunView, channelId: string): Promise<string | undefined> {
  const sent = await context.sendActivity(cardMessage(await sharedRunCard(chat, view)));
  if (!sent?.id) return undefined;
  const reference = TurnContext.getConversationReference(context.activity);
  await chat.recordRunMessage({ runId: view.id, platform: 'teams', channelId, messageId: sent.id, conversation: JSON.parse(JSON.stringify(reference)) as Record<string, unknown> });
  return sent.id;
}
