import type { CardAction } from '../../services/chat/chat-service.ts';

/** Block Kit JSON, as far as these cards use it (the platform SDK stays in bot/). */
export type TextObject = { type: 'plain_text'; text: string; emoji?: boolean } | { type: 'mrkdwn'; text: string };
export interface Block {
  type: string;
  [key: string]: unknown;
}
export interface SlackMessage {
  /** Notification and screen-reader fallback. */
  text: string;
  blocks: Block[];
}

/** Slack's documented limits (docs: Block Kit reference, chat.postMessage, views.open). */
export const blockLimits = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  field: 2000,
  fields: 10,
  header: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  modalTitle: 24,
  fallbackText: 3000,
} as const;

/** Everything we show from the database is escaped: a tenant name cannot ping @channel. */
export function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

export const mrkdwn = (text: string): TextObject => ({ type: 'mrkdwn', text: clip(text, blockLimits.sectionText) });
export const plain = (text: string, max: number = blockLimits.sectionText): TextObject => ({ type: 'plain_text', text: clip(text, max), emoji: true });

export const header = (text: string): Block => ({ type: 'header', text: plain(text, blockLimits.header) });
export const divider = (): Block => ({ type: 'divider' });
export const section = (text: string, accessory?: Block): Block => ({ type: 'section', text: mrkdwn(text), ...(accessory ? { accessory } : {}) });

/** Label/value pairs as section fields (at most 10, each at most 2000 characters). */
export function fields(pairs: [string, string][]): Block {
  return {
    type: 'section',
    fields: pairs.slice(0, blockLimits.fields).map(([label, value]) => ({ type: 'mrkdwn', text: clip(`*${label}*\n${value}`, blockLimits.field) })),
  };
}

export function context(items: string[]): Block {
  return { type: 'context', elements: items.slice(0, blockLimits.contextElements).map((text) => ({ type: 'mrkdwn', text: clip(text, blockLimits.contextText) })) };
}

/** A button whose value is the card action the server parses (and re-authorizes) on click. */
export function button(text: string, action: CardAction, style?: 'primary' | 'danger'): Block {
  return {
    type: 'button',
    action_id: `opshub_${action.verb}`,
    text: plain(text, blockLimits.buttonText),
    value: JSON.stringify(action),
    ...(style ? { style } : {}),
  };
}

export function actions(buttons: Block[], blockId = 'opshub_actions'): Block | null {
  return buttons.length === 0 ? null : { type: 'actions', block_id: blockId, elements: buttons.slice(0, blockLimits.actionsElements) };
}

/**
 * Keeps a message within Slack's block limit: the head and the trailing actions stay,
 * the middle is cut and a note says so.
 */
export function fitBlocks(blocks: (Block | null)[], max: number = blockLimits.messageBlocks): Block[] {
  const present = blocks.filter((b): b is Block => b !== null);
  if (present.length <= max) return present;
  const tail = present.at(-1)?.type === 'actions' ? [present.at(-1) as Block] : [];
  const keep = max - 1 - tail.length;
  const omitted = present.length - tail.length - keep;
  return [...present.slice(0, keep), context([`_${omitted} more blocks not shown: use the full report or the CLI (operate-hub runs show)._`]), ...tail];
}

export function message(text: string, blocks: (Block | null)[]): SlackMessage {
  return { text: clip(text, blockLimits.fallbackText), blocks: fitBlocks(blocks) };
}

/** Slack renders this in the reader's own time zone; the fallback is the ISO time. */
export function slackDate(iso: string | null): string {
  if (!iso) return '—';
  const seconds = Math.floor(new Date(iso).getTime() / 1000);
  return Number.isFinite(seconds) ? `<!date^${seconds}^{date_short_pretty} {time}|${iso}>` : escapeText(iso);
}

export const code = (value: string) => `\`${escapeText(value).replace(/`/g, "'")}\``;
