import { z } from 'zod/v4';
import type { ChatRequest } from '../../services/chat/chat-service.ts';

const account = z.looseObject({
  id: z.string().min(1).max(512),
  name: z.string().max(256).optional(),
  aadObjectId: z.string().max(128).optional(),
});

/**
 * The parts of a Bot Framework activity we read, checked before the SDK sees it. The
 * SDK's turn state needs channelId, conversation, from and recipient, so they are required.
 */
export const inboundActivitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().min(1).max(512),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }).max(512),
  from: account,
  recipient: account,
  conversation: z.looseObject({ id: z.string().min(1).max(1024), conversationType: z.string().max(32).optional() }),
  text: z.string().max(8000).optional(),
  name: z.string().max(128).optional(),
  channelData: z.looseObject({ channel: z.looseObject({ id: z.string().min(1).max(1024) }).optional() }).optional(),
});
export type InboundActivity = z.infer<typeof inboundActivitySchema>;

/** `adaptiveCard/action` invoke value of an Action.Execute (a refresh included). */
export const actionInvokeSchema = z.looseObject({
  action: z.looseObject({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1).max(64),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  trigger: z.enum(['manual', 'automatic']).optional(),
});

/**
 * Who and where, as the chat service expects it: the member is (teams, aadObjectId); the
 * Teams user id ("29:...") rides along to be stored for refresh.userIds; the channel is
 * channelData.channel.id, else the conversation id; the activity id is the delivery id.
 */
export function chatRequestOf(activity: InboundActivity): ChatRequest | null {
  const userId = activity.from.aadObjectId;
  if (!userId) return null;
  const channelId = activity.channelData?.channel?.id ?? activity.conversation.id;
  return {
    caller: { platform: 'teams', userId, teamId: '', botUserId: activity.from.id, ...(activity.from.name ? { displayName: activity.from.name } : {}) },
    place: { channelId, personal: activity.conversation.conversationType === 'personal' },
    deliveryId: activity.id,
  };
}
