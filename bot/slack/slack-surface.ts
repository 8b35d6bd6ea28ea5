/**
 * Everything Operate Hub uses of Slack, in one place: the listeners are registered from
 * it, and a test holds manifest/slack/manifest.yaml to exactly this (and the source to
 * using nothing else).
 */
export const slackSurface = {
  /** Slash commands: `/verify` is `/opshub verify`. */
  commands: {
    '/opshub': { description: 'Operate Hub: verify, sync, runs, status, help', usageHint: '[verify | sync inventory | runs | run <id> | status | help]', prefix: '' },
    '/verify': { description: 'Verify the Microsoft connection of this channel\'s tenant', usageHint: '[--tenant <slug>]', prefix: 'verify ' },
  },
  /** Events API subscriptions (bot events). */
  events: { app_mention: { scope: 'app_mentions:read' } },
  /** Web API methods the code calls, and the bot scope each needs (none: any bot token). */
  methods: {
    'auth.test': null,
    'chat.postMessage': 'chat:write',
    'chat.update': 'chat:write',
    'chat.postEphemeral': 'chat:write',
    'views.open': null,
  },
} as const;

export type SlashCommand = keyof typeof slackSurface.commands;

export function isSlashCommand(value: string): value is SlashCommand {
  return Object.hasOwn(slackSurface.commands, value);
}

/** The bot scopes the code needs: slash commands need `commands`. */
export function requiredBotScopes(): string[] {
  const scopes = new Set<string>(['commands']);
  for (const event of Object.values(slackSurface.events)) scopes.add(event.scope);
  for (const scope of Object.values(slackSurface.methods)) if (scope) scopes.add(scope);
  return [...scopes].sort();
}
