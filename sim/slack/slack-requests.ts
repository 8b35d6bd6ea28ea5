import { createHmac, randomBytes } from 'node:crypto';
import { stringify } from 'node:querystring';

/**
 * What Slack itself sends to /slack/events, for tests, the bench and the demo: signed
 * slash commands, block actions and app_mention events.
 */

export const formType = 'application/x-www-form-urlencoded';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface Who {
  userId: string;
  teamId: string;
  channelId: string;
}

const randomId = (prefix: string) => `${prefix}${randomBytes(6).toString('hex')}`;

export function slashCommandBody(input: Who & { command?: string; text: string; responseUrl: string; triggerId?: string }): string {
  return stringify({
    token: 'deprecated-verification-token',
    team_id: input.teamId,
    team_domain: 'opshub-sim',
    channel_id: input.channelId,
    channel_name: input.channelId.startsWith('D') ? 'directmessage' : 'ops',
    user_id: input.userId,
    user_name: 'member',
    command: input.command ?? '/opshub',
    text: input.text,
    api_app_id: 'AOPSHUB',
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? randomId('trig.'),
  });
}

export function blockActionBody(input: Who & {
  actionId: string;
  value: string;
  responseUrl: string;
  triggerId?: string;
  actionTs?: string;
  messageTs?: string;
  ephemeral?: boolean;
}): string {
  const messageTs = input.messageTs ?? '1700000000.000001';
  const payload = {
    type: 'block_actions',
    user: { id: input.userId, username: 'member', name: 'member', team_id: input.teamId },
    api_app_id: 'AOPSHUB',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: messageTs, channel_id: input.channelId, is_ephemeral: input.ephemeral ?? false },
    trigger_id: input.triggerId ?? randomId('trig.'),
    team: { id: input.teamId, domain: 'opshub-sim' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channelId, name: 'ops' },
    ...(input.ephemeral ? {} : { message: { type: 'message', ts: messageTs, text: 'run', blocks: [] } }),
    response_url: input.responseUrl,
    actions: [{ type: 'button', action_id: input.actionId, block_id: 'actions', value: input.value, text: { type: 'plain_text', text: 'x' }, action_ts: input.actionTs ?? `${Date.now() / 1000}` }],
  };
  return stringify({ payload: JSON.stringify(payload) });
}

export function appMentionBody(input: Who & { text: string; eventId?: string; ts?: string }): string {
  const ts = input.ts ?? `${(Date.now() / 1000).toFixed(6)}`;
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: input.teamId,
    api_app_id: 'AOPSHUB',
    event: { type: 'app_mention', user: input.userId, text: input.text, ts, channel: input.channelId, event_ts: ts, team: input.teamId },
    type: 'event_callback',
    event_id: input.eventId ?? randomId('Ev'),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: input.teamId, user_id: 'UOPSHUB', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

export interface SendOptions {
  secret: string;
  contentType?: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Overrides the computed signature (to forge one). */
  signature?: string;
  headers?: Record<string, string>;
}

export interface SlackHttpResult {
  status: number;
  text: string;
  json: unknown;
  ms: number;
}

/** POSTs a body to /slack/events exactly as Slack does: signed, with its timestamp. */
export async function sendToSlackEndpoint(url: string, body: string, options: SendOptions): Promise<SlackHttpResult> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const contentType = options.contentType ?? (body.startsWith('{') ? 'application/json' : formType);
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(options.secret, timestamp, body),
      ...options.headers,
    },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, text, json, ms };
}
