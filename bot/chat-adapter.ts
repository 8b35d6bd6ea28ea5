import type { Express } from 'express';
import type { Config } from '../services/config.ts';
import type { Logger } from '../services/logger.ts';
import type { ChatService } from '../services/chat/chat-service.ts';
import type { RunNotifier } from '../services/runs/notifier.ts';

/** One chat platform: its HTTP routes and the notifier that updates its run messages. */
export interface ChatAdapter {
  name: 'teams' | 'slack';
  /** Mounts the platform's endpoint on the shared express app. */
  mount(app: Express): void;
  notifier: RunNotifier;
  close(): Promise<void>;
}

export interface ChatAdapterOptions {
  config: Config;
  logger: Logger;
  chat: ChatService;
}
