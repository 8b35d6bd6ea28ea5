import { commandHelp } from '../../services/chat/command.ts';
import { ACCENT_HEX } from './icons.ts';

export const MANIFEST_VERSION = '1.25';
export const MANIFEST_SCHEMA = `https://developer.microsoft.com/en-us/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;
/** Schema v1.25 allows at most 12 commands per command list. */
export const MAX_COMMANDS = 12;

export interface ManifestOptions {
  /** The Azure Bot's Microsoft app id (MICROSOFT_APP_ID), also the Teams app id. */
  botId: string;
  /** The app package version (x.y.z). */
  version: string;
  /** https:// site shown as the developer's; privacy and terms pages live under it. */
  websiteUrl: string;
}

/**
 * manifest.json for the Teams app package: one bot for team, group chat and personal
 * scopes, its command menu built from the one command list (services/chat/command.ts).
 * No resource-specific consent is requested, so in channels Teams delivers only
 * messages that @mention the bot.
 */
export function buildTeamsManifest(options: ManifestOptions): Record<string, unknown> {
  const site = options.websiteUrl.replace(/\/+$/, '');
  const commands = commandHelp.slice(0, MAX_COMMANDS).map((c) => ({ title: c.usage.slice(0, 32), description: c.description.slice(0, 128) }));
  return {
    $schema: MANIFEST_SCHEMA,
    manifestVersion: MANIFEST_VERSION,
    version: options.version,
    id: options.botId,
    developer: { name: 'Operate Hub', websiteUrl: site, privacyUrl: `${site}/privacy`, termsOfUseUrl: `${site}/terms` },
    name: { short: 'Operate Hub', full: 'Operate Hub for Microsoft 365 and Intune' },
    description: {
      short: 'Verify, sync, back up and restore Microsoft 365 / Intune tenants from chat.',
      full: 'Operate Hub lets Microsoft 365 and Intune admins check a tenant\'s Microsoft connection (credentials, consent, permissions per feature), '
        + 'refresh the policy inventory and groups, and follow every run on a card that updates itself. Each member sees only the actions their '
        + 'tenant role allows, and the server re-checks every click. In channels, @mention Operate Hub; in a personal chat, just type the command.',
    },
    icons: { color: 'color.png', outline: 'outline.png' },
    accentColor: ACCENT_HEX,
    bots: [{
      botId: options.botId,
      scopes: ['team', 'groupChat', 'personal'],
      isNotificationOnly: false,
      supportsFiles: false,
      commandLists: [{ scopes: ['team', 'groupChat', 'personal'], commands }],
    }],
    permissions: ['identity', 'messageTeamMembers'],
    validDomains: [],
  };
}
