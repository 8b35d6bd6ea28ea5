import { randomUUID } from 'node:crypto';

/** The bot's own Teams id in simulated conversations. */
export const SIM_BOT_ID = '28:operate-hub-bot';

export interface SimTeamsUser {
  /** Entra object id: the member's platform user id in Operate Hub. */
  aadObjectId: string;
  /** Teams user id ("29:..."), used by refresh.userIds. */
  teamsId: string;
  name: string;
}

export interface SimPlace {
  conversationId: string;
  /** Set for a channel (channelData.channel.id); unset for group and personal chats. */
  channelId?: string;
  personal?: boolean;
}

function baseActivity(serviceUrl: string, user: SimTeamsUser, place: SimPlace) {
  return {
    id: `activity-${randomUUID()}`, channelId: 'msteams', serviceUrl, timestamp: new Date().toISOString(),
    from: { id: user.teamsId, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: SIM_BOT_ID, name: 'Operate Hub' },
    conversation: { id: place.conversationId, conversationType: place.personal ? 'personal' : 'channel', tenantId: 'sim-entra-tenant' },
    channelData: place.channelId ? { channel: { id: place.channelId }, team: { id: 'sim-team' } } : {},
  };
}

/** A message as Teams delivers it: in channels the bot is @mentioned (`<at>` + a mention entity). */
export function simMessageActivity(serviceUrl: string, user: SimTeamsUser, place: SimPlace, text: string) {
  const mention = '<at>Operate Hub</at>';
  return {
    ...baseActivity(serviceUrl, user, place), type: 'message',
    text: place.personal ? text : `${mention} ${text}`,
    entities: place.personal ? [] : [{ type: 'mention', text: mention, mentioned: { id: SIM_BOT_ID, name: 'Operate Hub' } }],
  };
}

/** An Action.Execute click (or auto-refresh) on a card: the `adaptiveCard/action` invoke. */
export function simActionActivity(serviceUrl: string, user: SimTeamsUser, place: SimPlace, verb: string, data: unknown, replyToId = 'msg-card') {
  return {
    ...baseActivity(serviceUrl, user, place), type: 'invoke', name: 'adaptiveCard/action', replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** The Adaptive Card of a recorded connector activity. */
export function adaptiveCardOf(activity: Record<string, unknown>): Record<string, unknown> {
  const attachments = activity.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined;
  const card = attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
  if (!card) throw new Error(`no adaptive card in ${JSON.stringify(activity).slice(0, 200)}`);
  return card;
}
