import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod/v4';
import { requiredBotScopes, slackSurface } from '../../bot/slack/slack-surface.ts';
import { slackEventsPath } from '../../bot/slack/events-receiver.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const manifestSchema = z.object({
  features: z.object({
    bot_user: z.object({ display_name: z.string() }),
    slash_commands: z.array(z.object({ command: z.string(), url: z.url(), description: z.string(), usage_hint: z.string().optional() })),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({
    event_subscriptions: z.object({ request_url: z.url(), bot_events: z.array(z.string()) }),
    interactivity: z.object({ is_enabled: z.literal(true), request_url: z.url() }),
  }),
});

async function manifest() {
  return manifestSchema.parse(parse(await readFile(path.join(root, 'manifest/slack/manifest.yaml'), 'utf8')));
}

async function sources(dir: string): Promise<string> {
  const entries = await readdir(path.join(root, dir), { recursive: true });
  const files = entries.filter((f) => f.endsWith('.ts')).sort();
  return (await Promise.all(files.map((f) => readFile(path.join(root, dir, f), 'utf8')))).join('\n');
}

const matches = (text: string, pattern: RegExp) => [...new Set([...text.matchAll(pattern)].map((m) => m.slice(1).join('.')))].sort();

/** Slack's own commands the cards may tell members to type. */
const builtInCommands = ['/invite'];

describe('Slack app manifest', () => {
  it('declares exactly the slash commands, the app_mention event and the bot scopes the code uses, all on /slack/events', async () => {
    const m = await manifest();
    expect(m.features.slash_commands.map((c) => c.command).sort()).toEqual(Object.keys(slackSurface.commands).sort());
    for (const command of m.features.slash_commands) {
      const declared = slackSurface.commands[command.command as keyof typeof slackSurface.commands];
      expect(command).toMatchObject({ description: declared.description, usage_hint: declared.usageHint });
    }
    expect(m.settings.event_subscriptions.bot_events.sort()).toEqual(Object.keys(slackSurface.events).sort());
    expect(m.oauth_config.scopes.bot.sort()).toEqual(requiredBotScopes());
    const urls = [...m.features.slash_commands.map((c) => c.url), m.settings.event_subscriptions.request_url, m.settings.interactivity.request_url];
    expect(urls.every((u) => new URL(u).pathname === slackEventsPath && u.startsWith('https://'))).toBe(true);
  });

  it('the Slack code subscribes to and calls nothing the surface does not declare, and uses every method it declares', async () => {
    const bot = await sources('bot/slack');
    expect(matches(bot, /\.event\(\s*'([\w.]+)'/g)).toEqual(Object.keys(slackSurface.events).sort());
    expect(matches(bot, /\bclient\.(\w+)\.(\w+)\s*\(/g)).toEqual(Object.keys(slackSurface.methods).sort());
    // Commands are registered once and dispatched through the surface, never by literal.
    expect(matches(bot, /\.command\(\s*'([^']+)'/g)).toEqual([]);
  });

  it('every slash command the cards and replies tell members to type is declared (or is Slack\'s own)', async () => {
    const text = `${await sources('bot/slack')}\n${await sources('cards/slack')}\n${await readFile(path.join(root, 'services/chat/help-notes.ts'), 'utf8')}`;
    const mentioned = matches(text, /(?<!\/)`(\/[a-z]+)\b/g);
    expect(mentioned.length).toBeGreaterThan(0);
    expect(mentioned.filter((c) => !builtInCommands.includes(c) && !Object.hasOwn(slackSurface.commands, c))).toEqual([]);
  });
});
