import type { ChatService } from '../../../services/chat/chat-service.ts';
import { startsRun, type Command } from '../../../services/chat/command.ts';
import type { ChatReply } from '../../../services/chat/replies.ts';
import type { Logger } from '../../../services/logger.ts';
import type { SlackMessage } from '../../../cards/slack/reply-blocks.ts';
import type { SlackIdentity } from '../slack-api.ts';
import type { SlackReplies } from '../slack-replies.ts';

export interface ListenerDeps {
  chat: ChatService;
  identity: SlackIdentity;
  replies: SlackReplies;
  logger: Logger;
  /** How long after its arrival a slash command may wait for the service before acking "working on it" (Slack allows 3 s). */
  ackBudgetMs: number;
}

type RunReply = Extract<ChatReply, { kind: 'run' }>;

/** A start's reply becomes the run's channel message (or a pointer), not an ephemeral card. */
export function isStartReply(command: Command, reply: ChatReply): reply is RunReply {
  return reply.kind === 'run' && startsRun(command);
}

/** An ack / response_url body shown to the member only. */
export function ephemeralBody(message: SlackMessage) {
  return { response_type: 'ephemeral' as const, text: message.text, blocks: message.blocks };
}

/** The promise's value if it settles within `ms`, else undefined (it keeps running). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
