import http from 'node:http';
import { parse as parseQuery } from 'node:querystring';

/** One Web API call as the fake received it (nested JSON fields already parsed). */
export interface SlackApiCall {
  method: string;
  params: Record<string, unknown>;
  token: string | null;
  at: number;
}

/** A POST to a response_url the fake handed out. */
export interface SlackResponseCall {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface SimMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  updates: number;
}

export interface SlackSimulatorOptions {
  /** When set, every Web API call must carry it as a Bearer token (else invalid_auth). */
  token?: string;
  teamId?: string;
  port?: number;
}

export interface SlackSimulator {
  url: string;
  /** Base for SLACK_API_URL (ends with /api/). */
  apiUrl: string;
  identity: { teamId: string; botUserId: string; botId: string; workspaceUrl: string };
  calls: SlackApiCall[];
  responses: SlackResponseCall[];
  messages: Map<string, SimMessage>;
  callsTo(method: string): SlackApiCall[];
  message(channel: string, ts: string): SimMessage | undefined;
  /** A fresh response_url on this fake. */
  responseUrl(): string;
  /** The next `times` calls of `method` answer 429 with Retry-After. */
  rateLimit(method: string, retryAfterSeconds: number, times?: number): void;
  /** chat.postMessage / chat.postEphemeral / chat.update to this channel fail with not_in_channel. */
  leaveChannel(channel: string): void;
  /** The next `times` calls of `method` fail with `{ok:false, error}`. */
  failNext(method: string, error: string, times?: number): void;
  reset(): void;
  close(): Promise<void>;
}

const channelMethods = new Set(['chat.postMessage', 'chat.postEphemeral', 'chat.update']);

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Form fields whose values are JSON (blocks, view, ...) come back as objects. */
function parseParams(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith('application/json')) return body ? (JSON.parse(body) as Record<string, unknown>) : {};
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parseQuery(body))) {
    const text = Array.isArray(value) ? value.join(',') : (value ?? '');
    params[key] = /^[[{]/.test(text) ? safeJson(text) : text;
  }
  return params;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * A fake Slack Web API on 127.0.0.1 for tests and the demo: auth.test, chat.postMessage,
 * chat.update, chat.postEphemeral, views.open and response_url endpoints. It records
 * every call, keeps posted messages (so an in-place update can be checked) and can
 * inject 429 + Retry-After and not_in_channel.
 */
export async function startSlackSimulator(options: SlackSimulatorOptions = {}): Promise<SlackSimulator> {
  const identity = { teamId: options.teamId ?? 'T0001', botUserId: 'UOPSHUB', botId: 'BOPSHUB', workspaceUrl: 'https://opshub-sim.slack.com/' };
  const calls: SlackApiCall[] = [];
  const responses: SlackResponseCall[] = [];
  const messages = new Map<string, SimMessage>();
  const rateLimits = new Map<string, { retryAfter: number; times: number }>();
  const failures = new Map<string, { error: string; times: number }>();
  const absentFrom = new Set<string>();
  let clock = 1_700_000_000;
  let sequence = 0;
  let responseIds = 0;

  const nextTs = () => `${clock}.${String((sequence += 1)).padStart(6, '0')}`;

  function answer(method: string, params: Record<string, unknown>): { status: number; body: unknown; headers?: Record<string, string> } {
    const channel = typeof params.channel === 'string' ? params.channel : '';
    switch (method) {
      case 'auth.test':
        return { status: 200, body: { ok: true, url: identity.workspaceUrl, team: 'Operate Hub Sim', user: 'operate_hub', team_id: identity.teamId, user_id: identity.botUserId, bot_id: identity.botId } };
      case 'chat.postMessage': {
        if (!channel) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
        const ts = nextTs();
        const message: SimMessage = { channel, ts, text: String(params.text ?? ''), blocks: Array.isArray(params.blocks) ? params.blocks : [], updates: 0 };
        messages.set(`${channel}:${ts}`, message);
        return { status: 200, body: { ok: true, channel, ts, message: { text: message.text, ts } } };
      }
      case 'chat.update': {
        const message = messages.get(`${channel}:${String(params.ts)}`);
        if (!message) return { status: 200, body: { ok: false, error: 'message_not_found' } };
        message.text = String(params.text ?? '');
        message.blocks = Array.isArray(params.blocks) ? params.blocks : [];
        message.updates += 1;
        return { status: 200, body: { ok: true, channel, ts: message.ts, text: message.text } };
      }
      case 'chat.postEphemeral':
        return channel && params.user ? { status: 200, body: { ok: true, message_ts: nextTs() } } : { status: 200, body: { ok: false, error: 'invalid_arguments' } };
      case 'views.open':
        return params.trigger_id && params.view
          ? { status: 200, body: { ok: true, view: { id: `V${String((sequence += 1)).padStart(8, '0')}` } } }
          : { status: 200, body: { ok: false, error: 'invalid_arguments' } };
      default:
        return { status: 200, body: { ok: false, error: 'unknown_method' } };
    }
  }

  function handleApi(method: string, params: Record<string, unknown>, token: string | null) {
    calls.push({ method, params, token, at: Date.now() });
    const limit = rateLimits.get(method);
    if (limit && limit.times > 0) {
      limit.times -= 1;
      return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(limit.retryAfter) } };
    }
    if (options.token && token !== options.token) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    const failure = failures.get(method);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      return { status: 200, body: { ok: false, error: failure.error } };
    }
    if (channelMethods.has(method) && absentFrom.has(String(params.channel))) return { status: 200, body: { ok: false, error: 'not_in_channel' } };
    return answer(method, params);
  }

  const server = http.createServer((req, res) => {
    readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const api = /^\/api\/([a-zA-Z.]+)$/.exec(url.pathname);
      if (req.method === 'POST' && api?.[1]) {
        const authorization = req.headers.authorization;
        const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : null;
        const result = handleApi(api[1], parseParams(body, req.headers['content-type']), token);
        send(res, result.status, result.body, result.headers);
        return;
      }
      const response = /^\/response\/([\w-]+)$/.exec(url.pathname);
      if (req.method === 'POST' && response?.[1]) {
        responses.push({ id: response[1], body: parseParams(body, req.headers['content-type'] ?? 'application/json'), at: Date.now() });
        send(res, 200, { ok: true });
        return;
      }
      send(res, 404, { ok: false, error: 'not_found' });
    }).catch(() => send(res, 400, { ok: false, error: 'invalid_request' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    identity,
    calls,
    responses,
    messages,
    callsTo: (method) => calls.filter((c) => c.method === method),
    message: (channel, ts) => messages.get(`${channel}:${ts}`),
    responseUrl: () => `${url}/response/r${(responseIds += 1)}`,
    rateLimit: (method, retryAfter, times = 1) => void rateLimits.set(method, { retryAfter, times }),
    leaveChannel: (channel) => void absentFrom.add(channel),
    failNext: (method, error, times = 1) => void failures.set(method, { error, times }),
    reset: () => {
      calls.length = 0;
      responses.length = 0;
      messages.clear();
      rateLimits.clear();
      failures.clear();
      absentFrom.clear();
      clock += 1;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
