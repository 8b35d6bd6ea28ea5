import { z } from 'zod/v4';
import type { ChatRequest } from '../../services/chat/chat-service.ts';

const slackId = z.string().regex(/^[A-Z0-9][A-Z0-9_-]{1,60}$/i);
const channelId = z.string().regex(/^[CDG][A-Z0-9]{1,40}$/i);

export const slashCommandSchema = z.looseObject({
  command: z.string().max(40),
  text: z.string().max(4000),
  user_id: slackId,
  team_id: slackId,
  channel_id: channelId,
  trigger_id: z.string().min(1).max(200),
  response_url: z.url(),
});

export const blockActionSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: slackId, team_id: slackId.optional() }),
  team: z.looseObject({ id: slackId }).nullable().optional(),
  channel: z.looseObject({ id: channelId }).optional(),
  container: z.looseObject({ type: z.string(), message_ts: z.string().optional(), channel_id: channelId.optional(), is_ephemeral: z.boolean().optional() }),
  trigger_id: z.string().min(1).max(200),
  response_url: z.url().optional(),
  actions: z.array(z.looseObject({ action_id: z.string().max(255), value: z.string().max(2000).optional(), action_ts: z.string().max(40) })).min(1),
});

export const appMentionSchema = z.looseObject({
  event_id: z.string().min(1).max(100),
  team_id: slackId,
  event: z.looseObject({
    type: z.literal('app_mention'),
    user: slackId,
    text: z.string().max(40_000),
    channel: channelId,
    ts: z.string(),
    user_team: slackId.optional(),
    team: slackId.optional(),
  }),
});

/** Where an answer goes: the conversation, the member, and the ways to reach them. */
export interface SlackPlace {
  channelId: string;
  userId: string;
  teamId: string;
  responseUrl: string | null;
  triggerId: string | null;
}

export interface ParsedSlackRequest {
  request: ChatRequest;
  place: SlackPlace;
}

function build(userId: string, teamId: string, channel: string, deliveryId: string, responseUrl: string | null, triggerId: string | null): ParsedSlackRequest {
  return {
    request: { caller: { platform: 'slack', userId, teamId }, place: { channelId: channel, personal: channel.startsWith('D') }, deliveryId },
    place: { channelId: channel, userId, teamId, responseUrl, triggerId },
  };
}

export function fromSlashCommand(body: z.infer<typeof slashCommandSchema>): ParsedSlackRequest {
  return build(body.user_id, body.team_id, body.channel_id, body.trigger_id, body.response_url, body.trigger_id);
}

/** The delivery id of a click: its action_ts, per member (two members can click in the same microsecond). */
export function fromBlockAction(body: z.infer<typeof blockActionSchema>): ParsedSlackRequest | null {
  const channel = body.channel?.id ?? body.container.channel_id;
  const action = body.actions[0];
  if (!channel || !action) return null;
  const teamId = body.user.team_id ?? body.team?.id ?? '';
  return build(body.user.id, teamId, channel, `action:${body.user.id}:${action.action_ts}`, body.response_url ?? null, body.trigger_id);
}

/** In a Slack Connect channel the member's own workspace is event.user_team. */
export function fromAppMention(body: z.infer<typeof appMentionSchema>): ParsedSlackRequest {
  const teamId = body.event.user_team ?? body.event.team ?? body.team_id;
  return build(body.event.user, teamId, body.event.channel, body.event_id, null, null);
}
