import { randomBytes, randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import type { DestinationStream } from 'pino';
import { createHttpApp, listen } from '../../bot/http-server.ts';
import type { ChatAdapter } from '../../bot/chat-adapter.ts';
import { createSlackAdapter, type SlackTuning } from '../../bot/slack/slack-adapter.ts';
import { createChatService, type ChatService } from '../../services/chat/chat-service.ts';
import { parseConfig } from '../../services/config.ts';
import { createLogger } from '../../services/logger.ts';
import { bindChannel } from '../../services/admin/bindings.ts';
import type { OperationType } from '../../services/operations/registry.ts';
import type { OperationHandler } from '../../worker/handler.ts';
import { handlers as defaultHandlers } from '../../worker/handlers/index.ts';
import { startWorker, type RunningWorker } from '../../worker/worker.ts';
import { startSlackSimulator, type SlackSimulator } from '../../sim/slack/slack-simulator.ts';
import { appMentionBody, blockActionBody, sendToSlackEndpoint, slashCommandBody, type SendOptions } from '../../sim/slack/slack-requests.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { seedConnection, seedMember, seedTenant, silentLogger, startTestBoss } from '../helpers/fixtures.ts';
import type { Role } from '../../services/auth/roles.ts';

export const signingSecret = 'test-signing-secret-0123456789abcdef';
export const botToken = 'xoxb-test-bot-token';
export const teamId = 'T0001';

export interface HarnessOptions {
  /** Handlers for a worker in this process; without them no worker consumes. */
  handlers?: Partial<Record<OperationType, OperationHandler>>;
  tuning?: SlackTuning;
  logDestination?: DestinationStream;
  logLevel?: string;
}

/** One test file's world: database, pg-boss, the fake Slack API and the real server. */
export interface SlackHarness {
  t: TestDatabase;
  boss: PgBoss;
  sim: SlackSimulator;
  chat: ChatService;
  adapter: ChatAdapter;
  eventsUrl: string;
  send(body: string, options?: Partial<SendOptions>): ReturnType<typeof sendToSlackEndpoint>;
  slash(member: Member, text: string, options?: { command?: string; teamId?: string }): ReturnType<typeof sendToSlackEndpoint>;
  click(member: Member, value: unknown, options?: { actionId?: string; messageTs?: string; ephemeral?: boolean; teamId?: string }): ReturnType<typeof sendToSlackEndpoint>;
  mention(member: Member, text: string, options?: { eventId?: string; retryNum?: number }): ReturnType<typeof sendToSlackEndpoint>;
  /** A tenant with a connection, a bound channel and one member per asked role. */
  world(roles?: Role[]): Promise<World>;
  close(): Promise<void>;
}

export interface Member {
  userId: string;
  channelId: string;
  memberId: string;
}

export interface World {
  tenantId: string;
  channelId: string;
  connectionId: string;
  members: Record<Role, Member>;
}

const channelId = () => `C${randomBytes(5).toString('hex').toUpperCase()}`;

export async function startSlackHarness(options: HarnessOptions = {}): Promise<SlackHarness> {
  const t = await createTestDatabase();
  const boss = await startTestBoss(t.url);
  const sim = await startSlackSimulator({ token: botToken, teamId });
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: botToken, SLACK_API_URL: sim.apiUrl });
  const logger = options.logDestination ? createLogger(options.logLevel ?? 'trace', options.logDestination) : silentLogger;
  let adapter: ChatAdapter | null = null;
  const chat = createChatService({ db: t.db, boss, logger, notifier: { runChanged: (runId) => adapter?.notifier.runChanged(runId) } });
  adapter = await createSlackAdapter({ config, logger, chat }, { notifierIntervalMs: 200, ...options.tuning });
  if (!adapter) throw new Error('Slack adapter disabled although configured');
  const slack = adapter;
  let worker: RunningWorker | undefined;
  if (options.handlers) {
    worker = await startWorker({
      db: t.db, boss, logger, config, keyring: { current: randomBytes(32).toString('base64'), previous: [] },
      notifier: slack.notifier, handlers: { ...defaultHandlers, ...options.handlers }, reaperIntervalMs: 60_000,
    });
  }
  const server = await listen(createHttpApp({
    logger, readiness: { check: async () => ({}) }, metrics: async () => ({ contentType: 'text/plain', body: '' }), mounts: [(app) => slack.mount(app)],
  }), 0, '127.0.0.1');
  const eventsUrl = `${server.url}/slack/events`;
  const send = (body: string, o: Partial<SendOptions> = {}) => sendToSlackEndpoint(eventsUrl, body, { secret: signingSecret, ...o });

  return {
    t, boss, sim, chat, adapter: slack, eventsUrl, send,
    slash: (m, text, o = {}) => send(slashCommandBody({ userId: m.userId, teamId: o.teamId ?? teamId, channelId: m.channelId, text, command: o.command ?? '/opshub', responseUrl: sim.responseUrl() })),
    click: (m, value, o = {}) => send(blockActionBody({
      userId: m.userId, teamId: o.teamId ?? teamId, channelId: m.channelId, actionId: o.actionId ?? `opshub_${(value as { verb?: string }).verb ?? 'x'}`,
      value: JSON.stringify(value), responseUrl: sim.responseUrl(), ...(o.messageTs ? { messageTs: o.messageTs } : {}), ...(o.ephemeral ? { ephemeral: true } : {}),
    })),
    mention: (m, text, o = {}) => send(appMentionBody({ userId: m.userId, teamId, channelId: m.channelId, text, ...(o.eventId ? { eventId: o.eventId } : {}) }), o.retryNum ? { headers: { 'x-slack-retry-num': String(o.retryNum), 'x-slack-retry-reason': 'http_timeout' } } : {}),
    async world(roles = ['operator', 'readonly']) {
      const tenant = await seedTenant(t.db);
      const connection = await seedConnection(t.db, tenant.id, tenant.entraTenantId);
      const channel = channelId();
      await bindChannel(t.db, { tenantId: tenant.id, platform: 'slack', channelId: channel, teamId });
      const members = {} as Record<Role, Member>;
      for (const role of roles) {
        const member = await seedMember(t.db, tenant.id, role, 'slack');
        members[role] = { userId: member.platformUserId, channelId: channel, memberId: member.id };
      }
      return { tenantId: tenant.id, channelId: channel, connectionId: connection.id, members };
    },
    async close() {
      await server.close();
      await worker?.stop();
      await slack.close();
      await boss.stop({ graceful: false });
      await sim.close();
      await t.drop();
    },
  };
}

export const newUserId = () => `U${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
