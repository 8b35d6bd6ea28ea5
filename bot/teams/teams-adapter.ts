import type { ChatAdapter, ChatAdapterOptions } from '../chat-adapter.ts';

/** Placeholder until the Teams adapter lands: Teams is disabled. */
export async function createTeamsAdapter(options: ChatAdapterOptions): Promise<ChatAdapter | null> {
  options.logger.warn('Teams adapter not built yet: /api/messages is not served');
  return null;
}
