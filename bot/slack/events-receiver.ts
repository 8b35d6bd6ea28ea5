import { parse as parseQuery } from 'node:querystring';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { HTTPModuleFunctions, HTTPResponseAck, verifySlackRequest, type App, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import { z } from 'zod/v4';
import type { Logger } from '../../services/logger.ts';
import { safeError } from './bolt-logger.ts';

export const slackEventsPath = '/slack/events';

export interface SlackEventsReceiverOptions {
  signingSecret: string;
  logger: Logger;
  boltLogger: BoltLogger;
  /** Larger bodies get 400 before anything parses them. */
  bodyLimitBytes?: number;
  /** Allowed |now - x-slack-request-timestamp|, both directions (Slack: 5 minutes). */
  maxClockSkewSeconds?: number;
}

const formType = 'application/x-www-form-urlencoded';

/** Only the keys that route a request; each listener parses its own payload with zod. */
const envelopeSchema = z.union([
  z.looseObject({ command: z.string().startsWith('/'), user_id: z.string(), team_id: z.string() }),
  z.looseObject({ type: z.enum(['block_actions', 'view_submission', 'view_closed']) }),
  z.looseObject({ type: z.literal('event_callback'), event_id: z.string(), event: z.looseObject({ type: z.string() }) }),
  z.looseObject({ type: z.literal('url_verification'), challenge: z.string().max(200) }),
  z.looseObject({ type: z.literal('app_rate_limited') }),
]);

class BadRequest extends Error {}

function parseBody(text: string, contentType: string): Record<string, unknown> {
  const parse = (json: string): unknown => {
    try {
      return JSON.parse(json);
    } catch {
      throw new BadRequest('malformed JSON');
    }
  };
  let value: unknown;
  if (contentType === formType) {
    const form = parseQuery(text);
    value = typeof form.payload === 'string' ? parse(form.payload) : form;
  } else if (contentType === 'application/json') {
    value = parse(text);
  } else {
    throw new BadRequest('unsupported content type');
  }
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) throw new BadRequest('not a Slack request shape');
  return value as Record<string, unknown>;
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Bolt's receiver for POST /slack/events on the shared express server. Transport only:
 * size limit, timestamp window (both directions: Bolt alone accepts future timestamps),
 * Bolt's own signature check, body parsing, then Bolt's processEvent with an HTTP ack.
 * Nothing from the request is logged: only the outcome and its status code.
 */
export class SlackEventsReceiver implements Receiver {
  private bolt: App | undefined;
  private readonly options: Required<SlackEventsReceiverOptions>;

  constructor(options: SlackEventsReceiverOptions) {
    this.options = { bodyLimitBytes: 512 * 1024, maxClockSkewSeconds: 300, ...options };
  }

  init(app: App): void {
    this.bolt = app;
  }

  // The shared HTTP server is started and stopped by serve, not by Bolt.
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  mount(app: Express): void {
    app.post(
      slackEventsPath,
      (_req: Request, res: Response, next: NextFunction) => {
        res.locals.receivedAt = performance.now();
        next();
      },
      express.raw({ type: () => true, limit: this.options.bodyLimitBytes }),
      (req: Request, res: Response) => this.handle(req, res),
      (error: unknown, _req: Request, res: Response, _next: NextFunction) => this.refuse(res, 400, 'unreadable body', error),
    );
  }

  private refuse(res: Response, status: 400 | 401, reason: string, error?: unknown): void {
    this.options.logger.warn({ status, reason, ...(error ? { err: safeError(error) } : {}) }, 'slack request refused');
    if (!res.headersSent) res.status(status).end();
  }

  private async handle(req: Request, res: Response): Promise<void> {
    const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const contentType = (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    // Slack's unsigned SSL probe: answered, never processed.
    if (contentType === formType && parseQuery(text).ssl_check === '1') {
      res.status(200).end();
      return;
    }
    const timestamp = header(req, 'x-slack-request-timestamp') ?? '';
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > this.options.maxClockSkewSeconds) {
      this.refuse(res, 401, 'timestamp missing or outside the allowed window');
      return;
    }
    try {
      verifySlackRequest({
        signingSecret: this.options.signingSecret,
        body: text,
        headers: { 'x-slack-signature': header(req, 'x-slack-signature') ?? '', 'x-slack-request-timestamp': Number(timestamp) },
      });
    } catch {
      this.refuse(res, 401, 'signature mismatch');
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = parseBody(text, contentType);
    } catch (error) {
      this.refuse(res, 400, error instanceof BadRequest ? error.message : 'unparseable body');
      return;
    }
    if (body.type === 'url_verification') {
      res.json({ challenge: body.challenge });
      return;
    }
    if (body.type === 'app_rate_limited') {
      this.options.logger.warn('Slack reports that this app exceeded the Events API rate limit');
      res.status(200).end();
      return;
    }
    await this.dispatch(req, res, body);
  }

  private async dispatch(req: Request, res: Response, body: Record<string, unknown>): Promise<void> {
    const ack = new HTTPResponseAck({
      logger: this.options.boltLogger,
      processBeforeResponse: false,
      unhandledRequestTimeoutMillis: 3001,
      httpRequest: req,
      httpRequestBody: body,
      httpResponse: res,
    });
    try {
      await this.bolt?.processEvent({
        body,
        ack: ack.bind(),
        retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
        retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
        // Listeners budget their ack from the request's arrival, not from their own start.
        customProperties: { receivedAt: typeof res.locals.receivedAt === 'number' ? res.locals.receivedAt : performance.now() },
      });
    } catch (error) {
      this.options.logger.error({ err: safeError(error) }, 'slack event processing failed');
      if (!res.headersSent) {
        ack.ack();
        res.status(500).end();
      }
    }
  }
}
