import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appMentionBody, blockActionBody, slashCommandBody } from '../../sim/slack/slack-requests.ts';
import { waitFor } from '../helpers/fixtures.ts';
import { botToken, signingSecret, startSlackHarness, teamId, type SlackHarness, type World } from './slack-harness.ts';

const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});

// Everything a member might type or Slack might carry, which no log line may contain.
const canary = 'CANARY-7f3c-secret-text';

let h: SlackHarness;
let w: World;
beforeAll(async () => {
  h = await startSlackHarness({ logDestination: logSink, logLevel: 'trace' });
  w = await h.world(['operator', 'readonly']);
});
afterAll(async () => {
  await h.close();
});

const now = () => Math.floor(Date.now() / 1000);
const slash = (text: string) => slashCommandBody({ userId: w.members.operator.userId, teamId, channelId: w.channelId, text, responseUrl: h.sim.responseUrl() });
const runs = () => h.t.db.operationRun.count({ where: { tenantId: w.tenantId } });

describe('signed requests', () => {
  it('a bad signature, a stale timestamp and a future timestamp are each refused with 401 and start nothing', async () => {
    const body = slash('sync inventory');
    expect((await h.send(body, { signature: `v0=${'0'.repeat(64)}` })).status).toBe(401);
    expect((await h.send(body, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await h.send(body, { timestamp: now() - 301 })).status).toBe(401);
    expect((await h.send(body, { timestamp: now() + 301 })).status).toBe(401);
    expect((await h.send(body, { headers: { 'x-slack-request-timestamp': 'soon' } })).status).toBe(401);
    expect(await runs()).toBe(0);
    // Within the window either way is fine (clock skew).
    expect((await h.send(body, { timestamp: now() + 120 })).status).toBe(200);
    await waitFor(() => runs().then((n) => n === 1), { what: 'run' });
  });

  it('oversized, malformed or unknown bodies get 400 and the server keeps serving', async () => {
    const big = slash(`x${'a'.repeat(600 * 1024)}`);
    expect((await h.send(big)).status).toBe(400);
    expect((await h.send('payload=%7Bnot-json')).status).toBe(400);
    expect((await h.send('{"type":"event_callback"', { contentType: 'application/json' })).status).toBe(400);
    expect((await h.send('{"hello":"world"}', { contentType: 'application/json' })).status).toBe(400);
    expect((await h.send('text=hi', { contentType: 'text/plain' })).status).toBe(400);
    const res = await h.send(slash('help'));
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain('Operate Hub commands');
  });

  it('answers Slack\'s url_verification challenge and its unsigned ssl_check without processing anything', async () => {
    const challenge = await h.send(JSON.stringify({ token: 'x', challenge: 'abc123', type: 'url_verification' }));
    expect(challenge.json).toEqual({ challenge: 'abc123' });
    const ssl = await h.send('ssl_check=1&token=x&text=verify', { signature: 'v0=bogus' });
    expect(ssl.status).toBe(200);
  });

  it('an app_mention redelivered with x-slack-retry-num starts one run and posts one message', async () => {
    const mentioned = await h.world(['operator']);
    const body = appMentionBody({ userId: mentioned.members.operator.userId, teamId, channelId: mentioned.channelId, text: '<@UOPSHUB> sync groups', eventId: 'Ev0REDELIVER1' });
    expect((await h.send(body)).status).toBe(200);
    const retried = await Promise.all([1, 2].map((n) => h.send(body, { headers: { 'x-slack-retry-num': String(n), 'x-slack-retry-reason': 'http_timeout' } })));
    expect(retried.map((r) => r.status)).toEqual([200, 200]);
    await waitFor(() => h.t.db.runMessage.count({ where: { channelId: mentioned.channelId } }).then((n) => n === 1), { what: 'message' });
    expect(await h.t.db.operationRun.count({ where: { tenantId: mentioned.tenantId } })).toBe(1);
    expect(await h.t.db.inboundDelivery.count({ where: { platform: 'slack', deliveryId: 'Ev0REDELIVER1' } })).toBe(1);
    // A second distinct mention is a new delivery that joins the active run: no second message either.
    await h.mention(mentioned.members.operator, '<@UOPSHUB> sync groups');
    await waitFor(async () => h.sim.callsTo('chat.postEphemeral').find((c) => c.params.channel === mentioned.channelId), { what: 'pointer' });
    expect(h.sim.callsTo('chat.postMessage').filter((c) => c.params.channel === mentioned.channelId)).toHaveLength(1);
  });

  it('a redelivered app_mention that starts no run (runs, cancel) is answered once', async () => {
    const mentioned = await h.world(['operator']);
    const ephemerals = () => h.sim.callsTo('chat.postEphemeral').filter((c) => c.params.channel === mentioned.channelId).length;
    const runs = appMentionBody({ userId: mentioned.members.operator.userId, teamId, channelId: mentioned.channelId, text: '<@UOPSHUB> runs', eventId: 'Ev0REDELIVER2' });
    expect((await h.send(runs)).status).toBe(200);
    await waitFor(async () => ephemerals() === 1, { what: 'runs answer' });
    expect((await h.send(runs, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })).status).toBe(200);
    const cancel = appMentionBody({ userId: mentioned.members.operator.userId, teamId, channelId: mentioned.channelId, text: '<@UOPSHUB> cancel 0123abcd', eventId: 'Ev0REDELIVER3' });
    expect((await h.send(cancel)).status).toBe(200);
    await waitFor(async () => ephemerals() === 2, { what: 'cancel answer' });
    expect((await h.send(cancel, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })).status).toBe(200);
    // The help mention after them is answered: the listener ran the retries and dropped them.
    await h.mention(mentioned.members.operator, '<@UOPSHUB> help');
    await waitFor(async () => ephemerals() === 3, { what: 'help answer' });
    expect(ephemerals()).toBe(3);
  });

  it('nothing from a request is logged: no text, token, response_url, signature or secret, even at trace level', async () => {
    logLines.length = 0;
    const member = w.members.operator;
    const responseUrl = `${h.sim.url}/response/${canary}`;
    await h.send(slashCommandBody({ userId: member.userId, teamId, channelId: w.channelId, text: `frobnicate ${canary}`, responseUrl }));
    await h.send(slashCommandBody({ userId: member.userId, teamId, channelId: w.channelId, text: `run ${canary}`, responseUrl }));
    await h.send(slashCommandBody({ userId: member.userId, teamId, channelId: w.channelId, text: canary, responseUrl }), { signature: `v0=${canary}` });
    await h.send(`payload=${canary}`);
    await h.send(blockActionBody({ userId: member.userId, teamId, channelId: w.channelId, actionId: 'opshub_refresh', value: canary, responseUrl }));
    await h.send(appMentionBody({ userId: member.userId, teamId, channelId: w.channelId, text: `<@UOPSHUB> ${canary}` }));
    await h.send(slashCommandBody({ userId: w.members.readonly.userId, teamId, channelId: w.channelId, text: 'verify', responseUrl }));
    await waitFor(async () => logLines.some((l) => l.includes('slack block action')) && logLines.some((l) => l.includes('"status":401')), { what: 'log lines' });
    const logged = logLines.join('');
    expect(logLines.length).toBeGreaterThan(3);
    for (const secret of [canary, signingSecret, botToken, 'deprecated-verification-token', 'trig.']) expect(logged).not.toContain(secret);
  });
});
