import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { forgeBotToken } from '../../sim/teams/token-issuer.ts';
import type { MicrosoftSimulator } from '../../sim/microsoft/server.ts';
import { createTeamsAdapter } from '../../bot/teams/teams-adapter.ts';
import { parseConfig } from '../../services/config.ts';
import { createChatService } from '../../services/chat/chat-service.ts';
import { silentLogger } from '../helpers/fixtures.ts';
import { actionActivity, cardOf, messageActivity, seedTeamsTenant, seedTeamsUser, startTeamsHarness, type TeamsHarness } from './harness.ts';
import { startMicrosoft } from './microsoft-bed.ts';

// Every socket this file opens is recorded: with an app id set, nothing may leave loopback.
const connect = vi.spyOn(net.Socket.prototype, 'connect');
const bot = { appId: randomUUID(), password: `bot-secret-${randomUUID()}` };
let h: TeamsHarness;
let microsoft: MicrosoftSimulator;

beforeAll(async () => {
  microsoft = await startMicrosoft([], bot);
  h = await startTeamsHarness({
    env: (sim) => ({ MICROSOFT_APP_ID: bot.appId, MICROSOFT_APP_PASSWORD: bot.password, BOT_OPENID_METADATA_URL: sim.openIdMetadataUrl, MICROSOFT_SIMULATOR_URL: microsoft.url }),
  });
});
afterAll(async () => {
  await h.close();
  await microsoft.close();
  connect.mockRestore();
});

function destinations(): string[] {
  return connect.mock.calls.map(([first, second]) => {
    if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
      const o = first as { host?: string; path?: string };
      return o.path ? `unix:${o.path}` : (o.host ?? 'localhost');
    }
    return typeof second === 'string' ? second : 'localhost';
  });
}

const bearer = (token: string) => `Bearer ${token}`;

describe('Bot Framework authentication (MICROSOFT_APP_ID set)', () => {
  it('no token gets 401 with a generic body; nothing runs and nothing is sent', async () => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const user = await seedTeamsUser(h, tenant.id, 'operator');
    const response = await h.post(messageActivity(h.sim, user, channel, 'verify'));
    expect(response).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(h.sim.connector.attempts.filter((a) => a.conversationId === channel.conversationId)).toHaveLength(0);
  });

  it.each([
    ['a token that is not a JWT', async () => bearer('not-a-jwt')],
    ['a Basic credential', async () => 'Basic Ym90OnNlY3JldA=='],
    ['a token signed by an unpublished key', async (serviceUrl: string) => bearer(await forgeBotToken(h.sim.issuer.kid, { appId: bot.appId, serviceUrl }))],
    ['a token for another bot', async (serviceUrl: string) => bearer(await h.sim.signToken({ appId: randomUUID(), serviceUrl }))],
    ['a token for another serviceUrl', async () => bearer(await h.sim.signToken({ appId: bot.appId, serviceUrl: 'https://smba.trafficmanager.net/emea/' }))],
    ['an expired token', async (serviceUrl: string) => bearer(await h.sim.signToken({ appId: bot.appId, serviceUrl, expiresInSeconds: -3600 }))],
    ['a token from another issuer', async (serviceUrl: string) => bearer(await h.sim.signToken({ appId: bot.appId, serviceUrl, issuer: 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/' }))],
  ])('%s gets 401 and never the validator\'s message', async (_label, authorization) => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const user = await seedTeamsUser(h, tenant.id, 'operator');
    const response = await h.post(messageActivity(h.sim, user, channel, 'verify'), await authorization(h.sim.url));
    expect(response).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it('a malformed body with a forged token is 401, with a valid token 400', async () => {
    const forged = bearer(await forgeBotToken(h.sim.issuer.kid, { appId: bot.appId, serviceUrl: h.sim.url }));
    expect((await h.post({ type: 'message' }, forged)).status).toBe(401);
    expect((await h.post({ type: 'message' }, bearer(await h.sim.signToken({ appId: bot.appId, serviceUrl: h.sim.url })))).status).toBe(400);
  });

  it('a token signed by the configured issuer is accepted; replies carry a Bot Connector token from MSAL via the simulator', async () => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const user = await seedTeamsUser(h, tenant.id, 'operator');
    const token = bearer(await h.sim.signToken({ appId: bot.appId, serviceUrl: h.sim.url }));
    const response = await h.post(messageActivity(h.sim, user, channel, 'verify'), token);
    expect(response.status).toBe(200);
    const run = await h.t.db.operationRun.findFirstOrThrow({ where: { tenantId: tenant.id } });
    const [post] = h.sim.connector.posts(channel.conversationId);
    expect(JSON.stringify(cardOf(post!.activity))).toContain(run.id.slice(0, 8));
    expect(post!.authorization).toMatch(/^Bearer ey/);
    const claims = JSON.parse(Buffer.from(post!.authorization!.split('.')[1]!, 'base64url').toString()) as { aud: string; appid?: string };
    expect(claims.aud).toBe('https://api.botframework.com');
    expect(microsoft.requestLog.some((r) => r.method === 'POST' && r.path === '/login/botframework.com/oauth2/v2.0/token' && r.status === 200)).toBe(true);

    // The in-place update after a cancel goes through continueConversation with a token too.
    const cancel = await h.post(actionActivity(h.sim, user, channel, 'cancel_run', { runId: run.id }), bearer(await h.sim.signToken({ appId: bot.appId, serviceUrl: h.sim.url })));
    expect(cancel.status).toBe(200);
    await h.adapter.notifier.idle();
    const [put] = h.sim.connector.puts(channel.conversationId);
    expect(put).toMatchObject({ targetId: post!.id, authorization: expect.stringMatching(/^Bearer ey/) });
  });

  it('nothing left loopback', () => {
    const remote = destinations().filter((d) => !/^(127\.\d+\.\d+\.\d+|localhost|::1|unix:.*)$/.test(d));
    expect(destinations().length).toBeGreaterThan(0);
    expect(remote).toEqual([]);
  });
});

describe('unauthenticated local mode', () => {
  it('is refused when NODE_ENV=production', async () => {
    expect(() => parseConfig({ NODE_ENV: 'production', OPERATE_HUB_SECRET_KEY: Buffer.alloc(32).toString('base64') })).toThrow(/MICROSOFT_APP_ID/);
    const config = { ...parseConfig({ NODE_ENV: 'test' }), NODE_ENV: 'production' as const };
    const chat = createChatService({ db: h.t.db, boss: h.boss, logger: silentLogger });
    await expect(createTeamsAdapter({ config, logger: silentLogger, chat })).rejects.toThrow(/MICROSOFT_APP_ID is required/);
  });
});
