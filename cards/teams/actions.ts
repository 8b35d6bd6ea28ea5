import type { CardAction } from '../../services/chat/chat-service.ts';

/**
 * Universal Action buttons. `verb` + `data` are what Teams sends back in the
 * `adaptiveCard/action` invoke; the adapter rebuilds `{verb, ...data}` and the chat
 * service parses it with cardActionSchema, so data carries exactly that schema's keys.
 */
export function executeAction(title: string, action: CardAction, options?: { style?: 'positive' | 'destructive' | 'default'; id?: string }): Record<string, unknown> {
  const { verb, ...data } = action;
  return {
    type: 'Action.Execute', title, verb, data,
    ...(options?.id ? { id: options.id } : {}),
    ...(options?.style && options.style !== 'default' ? { style: options.style } : {}),
  };
}

/**
 * The card's `refresh`: Teams re-requests the card for each listed user (Teams user ids,
 * "29:...", at most 60) so they see their own role's view; everyone else keeps the shared
 * view and uses the Refresh button (auto-refresh does not fire in channels anyway).
 */
export function refreshBlock(runId: string, userIds: readonly string[]): { action: Record<string, unknown>; userIds: string[] } {
  return { action: executeAction('Refresh', { verb: 'refresh', runId }), userIds: userIds.slice(0, 60) };
}
