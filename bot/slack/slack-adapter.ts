import { App } from '@slack/bolt';
import type { ChatAdapter, ChatAdapterOptions } from '../chat-adapter.ts';
import { boltLogger, safeError } from './bolt-logger.ts';
import { SlackEventsReceiver } from './events-receiver.ts';
import { registerAppMentions } from './listeners/app-mentions.ts';
import { registerBlockActions } from './listeners/block-actions.ts';
import { registerSlashCommands } from './listeners/slash-commands.ts';
import { authTest, createWebClient, retryConfig } from './slack-api.ts';
import { createSlackNotifier } from './slack-notifier.ts';
import { createSlackReplies } from './slack-replies.ts';

/** Knobs tests and the bench turn; production uses the defaults. */
export interface SlackTuning {
  /** chat.update pace per channel (default 1000 ms). */
  notifierIntervalMs?: number;
  /** Slash commands ack "working on it" when the service has not answered this long after the request arrived (default 2000 ms; Slack allows 3 s end to end). */
  ackBudgetMs?: number;
}

const slackHooksOrigin = 'https://hooks.slack.com';

/**
 * The Slack adapter: a Bolt app (developerMode off: it would log raw bodies) whose
 * receiver serves POST /slack/events on the shared express server, with slash commands,
 * block actions and app_mention events, plus the notifier that keeps run messages
 * current. Disabled (null) without SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN.
 */
export async function createSlackAdapter(options: ChatAdapterOptions, tuning: SlackTuning = {}): Promise<ChatAdapter | null> {
  const { config, chat } = options;
  const signingSecret = config.SLACK_SIGNING_SECRET;
  const token = config.SLACK_BOT_TOKEN;
  if (!signingSecret || !token) {
    options.logger.info('Slack disabled: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to serve /slack/events');
    return null;
  }
  const logger = options.logger.child({ platform: 'slack' });
  const bolt = boltLogger(logger);
  const apiUrl = config.SLACK_API_URL;
  const client = createWebClient(token, { slackApiUrl: apiUrl, logger: bolt, rejectRateLimitedCalls: false });
  const identity = await authTest(client, apiUrl);
  const receiver = new SlackEventsReceiver({ signingSecret, logger, boltLogger: bolt });
  const app = new App({
    token, botId: identity.botId, botUserId: identity.botUserId, receiver, logger: bolt,
    clientOptions: { slackApiUrl: apiUrl, retryConfig },
    developerMode: false, convoStore: false,
  });
  const notifier = createSlackNotifier({
    chat, logger, ...(tuning.notifierIntervalMs === undefined ? {} : { minIntervalMs: tuning.notifierIntervalMs }),
    client: createWebClient(token, { slackApiUrl: apiUrl, logger: bolt, rejectRateLimitedCalls: true }),
  });
  const replies = createSlackReplies({ chat, client, identity, logger, notifier, responseOrigins: [slackHooksOrigin, new URL(apiUrl).origin] });
  const deps = { chat, identity, replies, logger, ackBudgetMs: tuning.ackBudgetMs ?? 2000 };
  registerSlashCommands(app, deps);
  registerBlockActions(app, deps);
  registerAppMentions(app, deps);
  // Modals carry no inputs; a stray submission or close just closes.
  app.view(/.*/, async ({ ack }) => ack());
  app.error(async (error) => {
    logger.error({ err: safeError(error) }, 'slack listener failed');
  });
  logger.info({ teamId: identity.teamId, botUserId: identity.botUserId }, 'Slack enabled: POST /slack/events');
  return {
    name: 'slack',
    mount: (express) => receiver.mount(express),
    notifier,
    close: () => notifier.close(),
  };
}
