import express from 'express';
import { ActivityTypes, type ConversationReference } from 'botbuilder';
import type { ChatAdapter, ChatAdapterOptions } from '../chat-adapter.ts';
import { createBotAuthentication } from './bot-authentication.ts';
import { createCardNotifier, type CardNotifier, type CardNotifierOptions } from './card-notifier.ts';
import { PreauthenticatedCloudAdapter } from './cloud-adapter.ts';
import { messagesRoute } from './messages-route.ts';
import { cardMessage, respondWithMessage } from './replies.ts';
import { createTeamsApp } from './teams-app.ts';

export interface TeamsAdapterOptions extends ChatAdapterOptions {
  /** Backoff and rate-limit overrides (tests). */
  notifier?: Pick<CardNotifierOptions, 'backoffMs' | 'maxBackoffMs' | 'maxAttempts' | 'limits'>;
}

export interface TeamsChatAdapter extends ChatAdapter {
  notifier: CardNotifier;
  /** false in unauthenticated local mode. */
  authenticated: boolean;
}

const LOCAL_MODE_WARNING = [
  '**********************************************************************',
  'Teams: UNAUTHENTICATED LOCAL MODE (MICROSOFT_APP_ID is not set).',
  'POST /api/messages accepts activities WITHOUT a Bot Framework token, from',
  'loopback clients only and with loopback serviceUrls only. For development',
  'and tests; refused when NODE_ENV=production. Set MICROSOFT_APP_ID and',
  'MICROSOFT_APP_PASSWORD to talk to real Teams.',
  '**********************************************************************',
].join('\n');

/**
 * Teams over Bot Framework: POST /api/messages (teams-ai Application over CloudAdapter)
 * and the notifier that keeps posted run cards up to date.
 */
export async function createTeamsAdapter(options: TeamsAdapterOptions): Promise<TeamsChatAdapter> {
  const { config, logger, chat } = options;
  if (!config.MICROSOFT_APP_ID && config.NODE_ENV === 'production') {
    throw new Error('Teams: MICROSOFT_APP_ID is required when NODE_ENV=production (unauthenticated local mode is for development only).');
  }
  const bot = createBotAuthentication(config);
  if (!bot.authenticated) logger.warn({ platform: 'teams', mode: 'unauthenticated-local' }, LOCAL_MODE_WARNING);
  const adapter = new PreauthenticatedCloudAdapter(bot.authentication);
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: error, platform: 'teams', activityType: context.activity.type }, 'teams: turn failed');
    const message = 'Something went wrong on our side; the server log has the details.';
    if (context.activity.type === ActivityTypes.Invoke) await respondWithMessage(context, message).catch(() => undefined);
    else if (context.activity.type === ActivityTypes.Message) await context.sendActivity(message).catch(() => undefined);
  };
  const app = createTeamsApp({ chat, logger, appId: bot.appId });
  const notifier = createCardNotifier({
    chat, logger, ...options.notifier,
    update: async (message, card) => {
      // The adapter hands errors thrown in the turn to onTurnError; the notifier needs them to back off.
      let failure: unknown;
      await adapter.continueConversationAsync(bot.appId, message.conversation as Partial<ConversationReference>, async (context) => {
        await context.updateActivity({ ...cardMessage(card), id: message.messageId }).catch((error: unknown) => {
          failure = error ?? new Error('updateActivity failed');
        });
      });
      if (failure !== undefined) throw failure;
    },
  });
  const logic = async (context: Parameters<typeof app.run>[0]) => {
    await app.run(context);
  };
  return {
    name: 'teams',
    authenticated: bot.authenticated,
    mount(server) {
      // Raw text: the route parses JSON itself so a bad body never reaches express' error handler.
      server.post('/api/messages', express.text({ type: () => true, limit: '512kb' }), messagesRoute({ bot, adapter, logger, logic }));
    },
    notifier,
    close: () => notifier.close(),
  };
}
