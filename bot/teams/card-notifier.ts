import type { ChatService } from '../../services/chat/chat-service.ts';
import type { Logger } from '../../services/logger.ts';
import type { RunNotifier } from '../../services/runs/notifier.ts';
import type { AdaptiveCard } from '../../cards/teams/adaptive-card.ts';
import { renderRunCard } from '../../cards/teams/run-card.ts';
import { createConversationLanes, teamsRateLimits } from './conversation-lanes.ts';

/** A recorded Teams message showing a run (run_messages row). */
export interface RunMessageRef {
  messageId: string;
  conversation: unknown;
}

export interface CardNotifierOptions {
  chat: ChatService;
  logger: Logger;
  /** Replaces the message's card in place (continueConversation + updateActivity). */
  update(message: RunMessageRef, card: AdaptiveCard): Promise<void>;
  limits?: readonly (readonly [number, number])[];
  /** First backoff step; doubles per attempt, with jitter, at least the Retry-After. */
  backoffMs?: number;
  maxBackoffMs?: number;
  maxAttempts?: number;
}

export interface CardNotifier extends RunNotifier {
  /** Resolves when no update is pending or in flight (tests, graceful stop). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Statuses Teams answers when we must slow down or retry (msteams-docs rate-limit.md). */
const retryableStatuses = new Set([412, 429, 502, 504]);

function httpStatus(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } } | null;
  const value = e?.statusCode ?? e?.status ?? e?.response?.status;
  return typeof value === 'number' ? value : undefined;
}

function retryAfterMs(error: unknown): number {
  const headers = (error as { response?: { headers?: { get?: (name: string) => string | undefined } } } | null)?.response?.headers;
  const seconds = Number(headers?.get?.('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

function conversationKey(message: RunMessageRef): string {
  const reference = message.conversation as { serviceUrl?: string; conversation?: { id?: string } } | null;
  return `${reference?.serviceUrl ?? ''}|${reference?.conversation?.id ?? message.messageId}`;
}

/**
 * Keeps every recorded Teams card of a run in step with the database. Changes are
 * coalesced per run (while one update is in flight, further changes collapse into one
 * re-render from the database), sends are paced per conversation within Teams' limits,
 * and 429/412/502/504 back off with jitter. Never throws into the caller (the worker).
 */
export function createCardNotifier(options: CardNotifierOptions): CardNotifier {
  const { chat, logger } = options;
  const backoffMs = options.backoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const stop = new AbortController();
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    if (stop.signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      stop.signal.removeEventListener('abort', done);
      resolve();
    }
    stop.signal.addEventListener('abort', done, { once: true });
  });
  const lanes = createConversationLanes({ limits: options.limits ?? teamsRateLimits, sleep });
  const dirty = new Set<string>();
  const loops = new Map<string, Promise<void>>();

  async function send(runId: string, message: RunMessageRef, card: AdaptiveCard): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await options.update(message, card);
      } catch (error) {
        const status = httpStatus(error);
        if (stop.signal.aborted || status === undefined || !retryableStatuses.has(status) || attempt >= maxAttempts) throw error;
        const exponential = Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1));
        const delay = Math.max(retryAfterMs(error), exponential / 2 + Math.random() * (exponential / 2));
        logger.warn({ runId, status, attempt, delayMs: Math.round(delay) }, 'teams: card update throttled; backing off');
        await sleep(delay);
      }
    }
  }

  async function refresh(runId: string): Promise<void> {
    const view = await chat.sharedRunView(runId);
    const messages = view ? await chat.runMessages(runId, 'teams') : [];
    if (!view || messages.length === 0) return;
    const card = renderRunCard(view, { refreshUserIds: await chat.actionUserIds(view.tenant.id) });
    await Promise.all(messages.map((message) => lanes.run(conversationKey(message), () => send(runId, message, card)).catch((error: unknown) => {
      logger.warn({ runId, messageId: message.messageId, status: httpStatus(error), err: error }, 'teams: card update failed; the card shows an older state until refreshed');
    })));
  }

  async function loop(runId: string): Promise<void> {
    while (dirty.delete(runId) && !stop.signal.aborted) {
      await refresh(runId).catch((error: unknown) => logger.error({ runId, err: error }, 'teams: could not re-render run card'));
    }
  }

  function start(runId: string): void {
    const running = loop(runId).finally(() => {
      loops.delete(runId);
      // A change that arrived after the loop's last check but before this line.
      if (dirty.has(runId) && !stop.signal.aborted) start(runId);
    });
    loops.set(runId, running);
  }

  return {
    runChanged(runId) {
      if (stop.signal.aborted) return;
      dirty.add(runId);
      if (!loops.has(runId)) start(runId);
    },
    async idle() {
      while (loops.size > 0) await Promise.all([...loops.values()]);
    },
    async close() {
      stop.abort();
      await Promise.all([...loops.values()]);
    },
  };
}
