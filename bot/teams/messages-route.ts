import type { Request, Response } from 'express';
import type { Activity, TurnContext } from 'botbuilder';
import type { PreauthenticatedCloudAdapter } from './cloud-adapter.ts';
import type { Logger } from '../../services/logger.ts';
import { isLoopbackUrl } from '../../services/microsoft/transport.ts';
import type { BotAuthentication } from './bot-authentication.ts';
import { inboundActivitySchema } from './inbound-activity.ts';

export interface MessagesRouteDeps {
  bot: BotAuthentication;
  adapter: PreauthenticatedCloudAdapter;
  logger: Logger;
  logic: (context: TurnContext) => Promise<void>;
}

const loopbackAddress = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

function reply(res: Response, status: number, body?: unknown): void {
  if (body === undefined) res.status(status).end();
  else res.status(status).json(body);
}

/**
 * POST /api/messages. Authenticates before anything else runs and answers 401 for any
 * token problem (never 500, never the validator's message), then hands the activity to
 * the CloudAdapter with the authentication result, so the SDK's own `process()` (which
 * echoes error text) is never on the path.
 */
export function messagesRoute(deps: MessagesRouteDeps) {
  const { bot, adapter, logger } = deps;
  return async (req: Request, res: Response): Promise<void> => {
    const header = req.headers.authorization ?? '';
    if (bot.authenticated && !/^Bearer \S+$/.test(header)) return reply(res, 401, { error: 'unauthorized' });
    if (!bot.authenticated && !loopbackAddress.test(req.socket.remoteAddress ?? '')) {
      return reply(res, 403, { error: 'local mode accepts loopback clients only' });
    }
    let body: unknown;
    try {
      body = JSON.parse(typeof req.body === 'string' ? req.body : '');
    } catch {
      body = undefined;
    }
    const parsed = inboundActivitySchema.safeParse(body);
    if (!parsed.success) {
      // Still 401 for a bad token: check issuer, audience and signature without the activity's fields.
      const probe = { type: 'message', channelId: 'msteams', serviceUrl: '' } as Activity;
      if (bot.authenticated && !(await bot.authentication.authenticateRequest(probe, header).then(() => true, () => false))) {
        return reply(res, 401, { error: 'unauthorized' });
      }
      return reply(res, 400, { error: 'not a Bot Framework activity' });
    }
    const activity = parsed.data as unknown as Activity;
    if (!bot.authenticated && !isLoopbackUrl(parsed.data.serviceUrl)) {
      return reply(res, 403, { error: 'local mode accepts loopback serviceUrls only' });
    }
    let authResult;
    try {
      authResult = await bot.authentication.authenticateRequest(activity, header);
    } catch (error) {
      logger.warn({ reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown', activityType: parsed.data.type }, 'teams: rejected an unauthenticated activity');
      return reply(res, 401, { error: 'unauthorized' });
    }
    try {
      const invokeResponse = await adapter.runAuthenticated(authResult, activity, deps.logic);
      reply(res, invokeResponse?.status ?? 200, invokeResponse?.body);
    } catch (error) {
      logger.error({ err: error, activityType: parsed.data.type }, 'teams: activity processing failed');
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
    }
  };
}
