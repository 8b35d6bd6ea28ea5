import * as ACData from 'adaptivecards-templating';

/** An Adaptive Card as JSON (what the Bot Connector and invoke responses carry). */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: '1.5';
  $schema: string;
  body: Record<string, unknown>[];
  actions?: Record<string, unknown>[];
  refresh?: { action: Record<string, unknown>; userIds?: string[] };
  msteams?: Record<string, unknown>;
  [key: string]: unknown;
}

export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** Teams rejects messages over ~28 KB; cards stay below this (a test holds it). */
export const MAX_CARD_BYTES = 28 * 1024;

const compiled = new WeakMap<object, ACData.Template>();

/**
 * Expands a template with data built from view models only. Data values are inserted
 * as-is (the engine never evaluates `${...}` inside them), so user text is safe to bind.
 * Each renderer's data type lists every field its template binds: a missing one would
 * otherwise stay as the literal `${name}`.
 */
export function expandCard<T extends object>(template: object, data: T): AdaptiveCard {
  let compiledTemplate = compiled.get(template);
  if (!compiledTemplate) {
    compiledTemplate = new ACData.Template(template);
    compiled.set(template, compiledTemplate);
  }
  return compiledTemplate.expand({ $root: data }) as AdaptiveCard;
}

export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
