import type { ChatAdapter } from '../bot/chat-adapter.ts';
import { createTeamsAdapter } from '../bot/teams/teams-adapter.ts';
import { createSlackAdapter } from '../bot/slack/slack-adapter.ts';
import { createChatService } from '../services/chat/chat-service.ts';
import { combineNotifiers, type RunNotifier } from '../services/runs/notifier.ts';
import type { AppContext } from './context.ts';

export interface ChatWiring {
  adapters: ChatAdapter[];
  notifier: RunNotifier;
  close(): Promise<void>;
}

/**
 * Builds the chat service and every enabled platform adapter. The worker gets their
 * notifiers (so cards update in place even in a worker-only process); serve also
 * mounts their routes.
 */
export async function wireChat(app: AppContext): Promise<ChatWiring> {
  const adapters: ChatAdapter[] = [];
  // The chat service's notifier is resolved lazily: adapters are built after it.
  const notifier: RunNotifier = { runChanged: (runId) => combined.runChanged(runId) };
  const chat = createChatService({ db: app.db, boss: await app.boss(), logger: app.logger, metrics: app.metrics, notifier, settings: app.config });
  for (const create of [createTeamsAdapter, createSlackAdapter]) {
    const adapter = await create({ config: app.config, logger: app.logger, chat });
    if (adapter) adapters.push(adapter);
  }
  const combined = combineNotifiers(adapters.map((a) => a.notifier));
  return {
    adapters,
    notifier,
    close: async () => {
      for (const adapter of adapters) await adapter.close();
    },
  };
}
