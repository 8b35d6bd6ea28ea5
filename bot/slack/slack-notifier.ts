import type { ChatService } from '../../services/chat/chat-service.ts';
import type { Logger } from '../../services/logger.ts';
import type { RunNotifier } from '../../services/runs/notifier.ts';
import { runMessage } from '../../cards/slack/reply-blocks.ts';
import { safeError } from './bolt-logger.ts';
import { platformError, retryAfterSeconds, type WebClient } from './slack-api.ts';

export interface SlackNotifierOptions {
  chat: Pick<ChatService, 'sharedRunView' | 'runMessages'>;
  /** A client with rejectRateLimitedCalls: a 429 reschedules the channel instead of blocking. */
  client: WebClient;
  logger: Logger;
  /** Slack's pace for chat.update: about one message per second per channel. */
  minIntervalMs?: number;
}

interface ChannelQueue {
  /** message ts -> run id; one entry per message however many changes arrive. */
  pending: Map<string, string>;
  nextAt: number;
  timer: NodeJS.Timeout | undefined;
  busy: boolean;
}

export interface SlackNotifier extends RunNotifier {
  /** Resolves when nothing is pending (tests, shutdown). */
  idle(): Promise<void>;
  /** Flushes what is due within `graceMs`, then drops the rest. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Re-renders every recorded Slack message of a changed run from the database and
 * chat.update's it in place. Per channel, updates leave at most once per interval;
 * changes arriving meanwhile coalesce into the next update, which renders the state
 * current at send time. 429 waits Retry-After. Never throws into the caller.
 */
export function createSlackNotifier(options: SlackNotifierOptions): SlackNotifier {
  const interval = options.minIntervalMs ?? 1000;
  const channels = new Map<string, ChannelQueue>();
  const lookups = new Set<Promise<void>>();
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  const isIdle = () => lookups.size === 0 && [...channels.values()].every((q) => q.pending.size === 0 && !q.busy);
  function settle(): void {
    if (!isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }

  /** After `delay`: the channel's next update, or, with nothing pending, forgetting the channel. */
  function arm(channelId: string, queue: ChannelQueue, delay: number): void {
    queue.timer = setTimeout(() => {
      queue.timer = undefined;
      if (queue.pending.size > 0) void send(channelId, queue);
      else channels.delete(channelId);
    }, delay);
    queue.timer.unref();
  }

  function schedule(channelId: string, queue: ChannelQueue): void {
    if (closed || queue.busy || queue.timer || queue.pending.size === 0) return;
    arm(channelId, queue, Math.max(0, queue.nextAt - Date.now()));
  }

  async function send(channelId: string, queue: ChannelQueue): Promise<void> {
    const [ts, runId] = queue.pending.entries().next().value ?? [];
    if (!ts || !runId) return;
    queue.pending.delete(ts);
    queue.busy = true;
    let wait = interval;
    try {
      const view = await options.chat.sharedRunView(runId);
      if (view) {
        const card = runMessage(view, 'channel');
        await options.client.chat.update({ channel: channelId, ts, text: card.text, blocks: card.blocks });
      }
    } catch (error) {
      const retryAfter = retryAfterSeconds(error);
      if (retryAfter !== null) {
        wait = retryAfter * 1000;
        if (!queue.pending.has(ts)) queue.pending.set(ts, runId);
        options.logger.warn({ channelId, retryAfter }, 'slack rate limit: message update deferred');
      } else {
        options.logger.warn({ err: safeError(error), slackError: platformError(error), runId, channelId }, 'slack message update failed; dropped');
      }
    } finally {
      queue.busy = false;
      queue.nextAt = Date.now() + wait;
      // Always armed after a send: it paces the next update and frees an idle channel.
      if (!closed) arm(channelId, queue, wait);
      settle();
    }
  }

  function enqueue(channelId: string, ts: string, runId: string): void {
    let queue = channels.get(channelId);
    if (!queue) {
      queue = { pending: new Map(), nextAt: 0, timer: undefined, busy: false };
      channels.set(channelId, queue);
    }
    queue.pending.set(ts, runId);
    schedule(channelId, queue);
  }

  return {
    runChanged(runId) {
      if (closed) return;
      const lookup = options.chat.runMessages(runId, 'slack')
        .then((messages) => messages.forEach((m) => enqueue(m.channelId, m.messageId, runId)))
        .catch((error: unknown) => options.logger.warn({ err: safeError(error), runId }, 'slack notifier could not read run messages'))
        .finally(() => {
          lookups.delete(lookup);
          settle();
        });
      lookups.add(lookup);
    },
    idle: () => (isIdle() ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    async close(graceMs = 2000) {
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([isIdle() ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)), grace]);
      closed = true;
      for (const queue of channels.values()) clearTimeout(queue.timer);
      channels.clear();
    },
  };
}
