import type { ChatAdapter, ChatAdapterOptions } from '../chat-adapter.ts';

/** Placeholder until the Slack adapter lands: Slack is disabled. */
export async function createSlackAdapter(options: ChatAdapterOptions): Promise<ChatAdapter | null> {
  options.logger.warn('Slack adapter not built yet: /slack/events is not served');
  return null;
}
