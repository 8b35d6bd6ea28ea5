import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { createHttpApp, listen } from '../../bot/http-server.ts';
import { createTeamsAdapter, type TeamsAdapterOptions, type TeamsChatAdapter } from '../../bot/teams/teams-adapter.ts';
import { createChatService, type ChatService } from '../../services/chat/chat-service.ts';
import { parseConfig, type Config } from '../../services/config.ts';
import type { RunNotifier } from '../../services/runs/notifier.ts';
import { startTeamsSimulator, type TeamsSimulator } from '../../sim/teams/teams-simulator.ts';
import { adaptiveCardOf, SIM_BOT_ID, simActionActivity, simMessageActivity, type SimPlace, type SimTeamsUser } from '../../sim/teams/activities.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { seedConnection, seedMember, seedTenant, silentLogger, startTestBoss } from '../helpers/fixtures.ts';
import type { Role } from '../../services/auth/roles.ts';
import { bindChannel } from '../../services/admin/bindings.ts';

export const BOT_ID = SIM_BOT_ID;

export interface TeamsUser extends SimTeamsUser {
  memberId: string;
}

export type Place = SimPlace;

export interface PostResult {
  status: number;
  body: unknown;
  ms: number;
}

export interface TeamsHarness {
  t: TestDatabase;
  boss: PgBoss;
  sim: TeamsSimulator;
  chat: ChatService;
  adapter: TeamsChatAdapter;
  config: Config;
  url: string;
  /** POSTs an activity to /api/messages (with `Authorization: <authorization>` when given). */
  post(activity: Record<string, unknown>, authorization?: string): Promise<PostResult>;
  close(): Promise<void>;
}

export async function startTeamsHarness(options?: { env?: Record<string, string> | ((sim: TeamsSimulator) => Record<string, string>); notifier?: TeamsAdapterOptions['notifier']; database?: TestDatabase; boss?: PgBoss }): Promise<TeamsHarness> {
  const t = options?.database ?? await createTestDatabase();
  const boss = options?.boss ?? await startTestBoss(t.url);
  const sim = await startTeamsSimulator();
  const env = typeof options?.env === 'function' ? options.env(sim) : options?.env;
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  // The chat service is built before the adapter whose notifier it calls (as in cli/chat-wiring.ts).
  const late: { notifier?: RunNotifier } = {};
  const chat = createChatService({ db: t.db, boss, logger: silentLogger, notifier: { runChanged: (id) => late.notifier?.runChanged(id) } });
  const adapter = await createTeamsAdapter({ config, logger: silentLogger, chat, notifier: { backoffMs: 20, maxBackoffMs: 200, ...options?.notifier } });
  late.notifier = adapter.notifier;
  const http = await listen(createHttpApp({
    logger: silentLogger, readiness: { check: async () => ({ ok: true }) }, metrics: async () => ({ contentType: 'text/plain', body: '' }),
    mounts: [(app) => adapter.mount(app)],
  }), 0, '127.0.0.1');
  return {
    t, boss, sim, chat, adapter, config, url: http.url,
    async post(activity, authorization) {
      const started = performance.now();
      const response = await fetch(`${http.url}/api/messages`, {
        method: 'POST', body: JSON.stringify(activity),
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      return { status: response.status, body, ms: performance.now() - started };
    },
    async close() {
      await http.close();
      await adapter.close();
      await sim.close();
      if (!options?.boss) await boss.stop({ graceful: false });
      if (!options?.database) await t.drop();
    },
  };
}

/** A tenant with a default connection and a channel bound to it. */
export async function seedTeamsTenant(h: Pick<TeamsHarness, 't'>) {
  const tenant = await seedTenant(h.t.db);
  const connection = await seedConnection(h.t.db, tenant.id, tenant.entraTenantId);
  const channelId = `19:${randomUUID().replace(/-/g, '')}@thread.tacv2`;
  await bindChannel(h.t.db, { tenantId: tenant.id, platform: 'teams', channelId });
  const channel: Place = { conversationId: `${channelId};messageid=${Date.now()}`, channelId };
  return { tenant, connection, channel };
}

export async function seedTeamsUser(h: Pick<TeamsHarness, 't'>, tenantId: string, role: Role): Promise<TeamsUser> {
  const member = await seedMember(h.t.db, tenantId, role);
  return { aadObjectId: member.platformUserId, teamsId: `29:${randomUUID()}`, name: `${role} user`, memberId: member.id };
}

/** A stranger: a Teams user who is no member of any tenant. */
export function strangerUser(): TeamsUser {
  return { aadObjectId: randomUUID(), teamsId: `29:${randomUUID()}`, name: 'stranger', memberId: '' };
}

/** A message as Teams delivers it (in channels with the bot @mentioned). */
export function messageActivity(sim: TeamsSimulator, user: TeamsUser, place: Place, text: string) {
  return simMessageActivity(sim.url, user, place, text);
}

/** An Action.Execute click (or auto-refresh) on a card. */
export function actionActivity(sim: TeamsSimulator, user: TeamsUser, place: Place, verb: string, data: unknown, replyToId = 'msg-card') {
  return simActionActivity(sim.url, user, place, verb, data, replyToId);
}

export const cardOf = adaptiveCardOf;

/** Verbs of the card's Action.Execute buttons (top-level actions). */
export function verbsOf(card: Record<string, unknown>): string[] {
  return ((card.actions ?? []) as { type: string; verb?: string }[]).filter((a) => a.type === 'Action.Execute').map((a) => a.verb ?? '');
}

export function invokeCard(body: unknown): Record<string, unknown> {
  const b = body as { statusCode: number; type: string; value: unknown };
  if (b?.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`invoke answered ${JSON.stringify(body).slice(0, 300)}`);
  return b.value as Record<string, unknown>;
}
