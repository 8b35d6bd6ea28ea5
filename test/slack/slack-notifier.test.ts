import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackNotifier, type SlackNotifier } from '../../bot/slack/slack-notifier.ts';
import { createWebClient } from '../../bot/slack/slack-api.ts';
import { silentLogger, waitFor } from '../helpers/fixtures.ts';
import { botToken, startSlackHarness, type SlackHarness } from './slack-harness.ts';

const interval = 300;
let h: SlackHarness;
let notifier: SlackNotifier;
beforeAll(async () => {
  h = await startSlackHarness();
  notifier = createSlackNotifier({
    chat: h.chat, logger: silentLogger, minIntervalMs: interval,
    client: createWebClient(botToken, { slackApiUrl: h.sim.apiUrl, logger: undefined, rejectRateLimitedCalls: true }),
  });
});
afterAll(async () => {
  await notifier.close(0);
  await h.close();
});

/** A queued sync run with its posted, recorded channel message. */
async function postedRun() {
  const w = await h.world(['operator']);
  await h.slash(w.members.operator, 'sync inventory');
  const message = await waitFor(() => h.t.db.runMessage.findFirst({ where: { channelId: w.channelId } }), { what: 'message' });
  return { w, runId: message.runId, channelId: w.channelId, ts: message.messageId };
}

const updatesOf = (ts: string) => h.sim.callsTo('chat.update').filter((c) => c.params.ts === ts);

describe('Slack notifier', () => {
  it('changes are coalesced: a tight burst becomes at most two chat.update calls, a slow stream at most one per interval, the last showing the final state', async () => {
    const { runId, ts } = await postedRun();
    await h.t.db.operationRun.update({ where: { id: runId }, data: { status: 'running', summary: { policies_synced: 0 } } });
    for (let i = 0; i < 20; i += 1) notifier.runChanged(runId);
    await notifier.idle();
    expect(updatesOf(ts).length).toBeLessThanOrEqual(2);

    const before = updatesOf(ts).length;
    const started = Date.now();
    for (let i = 1; i <= 20; i += 1) {
      await h.t.db.operationRun.update({ where: { id: runId }, data: { summary: { policies_synced: i } } });
      notifier.runChanged(runId);
    }
    const elapsed = Date.now() - started;
    await notifier.idle();
    const updates = updatesOf(ts).slice(before);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(elapsed / interval) + 1);
    expect(JSON.stringify(updates.at(-1)?.params.blocks)).toContain('*Policies synced*\\n20');
    const all = updatesOf(ts);
    for (let i = 1; i < all.length; i += 1) expect((all[i]?.at ?? 0) - (all[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(interval - 20);
  });

  it('a 429 is honoured: the update is retried after Retry-After, with the state current then', async () => {
    const { runId, ts } = await postedRun();
    h.sim.rateLimit('chat.update', 1);
    await h.t.db.operationRun.update({ where: { id: runId }, data: { status: 'running' } });
    notifier.runChanged(runId);
    await waitFor(async () => updatesOf(ts).length >= 1, { what: 'the rate-limited call' });
    await h.t.db.operationRun.update({ where: { id: runId }, data: { status: 'succeeded', finishedAt: new Date() } });
    await notifier.idle();
    const [limited, retried] = updatesOf(ts);
    expect(retried).toBeDefined();
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(JSON.stringify(retried?.params.blocks)).toContain('Succeeded');
  });

  it('a failing update, a run without messages and an unknown run never throw and leave the notifier working', async () => {
    const { runId, ts } = await postedRun();
    h.sim.failNext('chat.update', 'message_not_found');
    expect(() => notifier.runChanged(runId)).not.toThrow();
    expect(() => notifier.runChanged('00000000-0000-4000-8000-000000000000')).not.toThrow();
    expect(() => notifier.runChanged('not-a-uuid')).not.toThrow();
    await notifier.idle();
    await h.t.db.operationRun.update({ where: { id: runId }, data: { status: 'failed', finishedAt: new Date() } });
    notifier.runChanged(runId);
    await notifier.idle();
    expect(JSON.stringify(updatesOf(ts).at(-1)?.params.blocks)).toContain('Failed');
  });
});
