import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../services/runs/start-run.ts';
import { waitBeforeSend, teamsRateLimits } from '../../bot/teams/conversation-lanes.ts';
import { waitFor } from '../helpers/fixtures.ts';
import { cardOf, seedTeamsTenant, seedTeamsUser, startTeamsHarness, type TeamsHarness } from './harness.ts';

let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness({ notifier: { backoffMs: 30, maxBackoffMs: 120, maxAttempts: 8 } });
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  h.sim.connector.reset();
});

/** A queued run with its card recorded in one conversation, as if posted by the bot. */
async function postedRun(conversationId?: string) {
  const { tenant, channel } = await seedTeamsTenant(h);
  const operator = await seedTeamsUser(h, tenant.id, 'operator');
  const conversation = conversationId ?? channel.conversationId;
  const { run } = await startRun({ db: h.t.db, boss: h.boss }, { tenantId: tenant.id, type: 'inventory.sync', actor: { kind: 'member', memberId: operator.memberId }, source: 'teams', deliveryId: randomUUID() });
  const messageId = `msg-${randomUUID()}`;
  await h.chat.recordRunMessage({
    runId: run.id, platform: 'teams', channelId: channel.channelId!, messageId,
    conversation: { serviceUrl: h.sim.url, channelId: 'msteams', conversation: { id: conversation }, bot: { id: '28:bot', name: 'Operate Hub' } },
  });
  return { run, messageId, conversation };
}

const setStatus = (id: string, status: 'running' | 'succeeded' | 'failed') =>
  h.t.db.operationRun.update({ where: { id }, data: { status, ...(status === 'running' ? { startedAt: new Date() } : { finishedAt: new Date() }) } });

describe('run card notifier', () => {
  it('a 429 with Retry-After is backed off and retried until the card is updated', async () => {
    const { run, messageId, conversation } = await postedRun();
    // The connector SDK retries a 429 three times itself; the notifier backs off beyond that.
    h.sim.connector.fail({ status: 429, times: 6, retryAfterSeconds: 0, method: 'PUT' });
    await setStatus(run.id, 'succeeded');
    h.adapter.notifier.runChanged(run.id);
    await h.adapter.notifier.idle();
    const attempts = h.sim.connector.attempts.filter((a) => a.conversationId === conversation);
    expect(attempts.filter((a) => a.status === 429)).toHaveLength(6);
    expect(h.sim.connector.puts(conversation).map((p) => p.targetId)).toEqual([messageId]);
    expect(JSON.stringify(cardOf(h.sim.connector.puts(conversation)[0]!.activity))).toContain('Succeeded');
  });

  it('a 412 (which the SDK does not retry) is backed off and retried', async () => {
    const { run, conversation } = await postedRun();
    h.sim.connector.fail({ status: 412, times: 2, method: 'PUT' });
    h.adapter.notifier.runChanged(run.id);
    await h.adapter.notifier.idle();
    expect(h.sim.connector.attempts.filter((a) => a.conversationId === conversation && a.status === 412)).toHaveLength(2);
    expect(h.sim.connector.puts(conversation)).toHaveLength(1);
  });

  it.each([502, 504])('a %i is retried until the card is updated', async (status) => {
    const { run, conversation } = await postedRun();
    h.sim.connector.fail({ status, times: 1, method: 'PUT' });
    h.adapter.notifier.runChanged(run.id);
    await h.adapter.notifier.idle();
    expect(h.sim.connector.attempts.filter((a) => a.conversationId === conversation && a.status === status)).toHaveLength(1);
    expect(h.sim.connector.puts(conversation)).toHaveLength(1);
  });

  it('a 404 (message deleted) gives up at once without throwing into the caller', async () => {
    const { run, conversation } = await postedRun();
    h.sim.connector.fail({ status: 404, times: 1, method: 'PUT' });
    expect(() => h.adapter.notifier.runChanged(run.id)).not.toThrow();
    expect(() => h.adapter.notifier.runChanged(randomUUID())).not.toThrow();
    await h.adapter.notifier.idle();
    expect(h.sim.connector.attempts.filter((a) => a.conversationId === conversation)).toHaveLength(1);
    expect(h.sim.connector.puts(conversation)).toHaveLength(0);
  });

  it('a burst of changes to one run coalesces into few updates, the last showing the latest state', async () => {
    const { run, conversation } = await postedRun();
    for (let i = 0; i < 25; i += 1) h.adapter.notifier.runChanged(run.id);
    await setStatus(run.id, 'failed');
    h.adapter.notifier.runChanged(run.id);
    await h.adapter.notifier.idle();
    const puts = h.sim.connector.puts(conversation);
    expect(puts.length).toBeGreaterThanOrEqual(1);
    expect(puts.length).toBeLessThanOrEqual(2);
    expect(JSON.stringify(cardOf(puts.at(-1)!.activity))).toContain('Failed');
  });

  it("updates to many runs in one conversation stay within Teams' 7 per second", async () => {
    const conversation = `19:${randomUUID()}@thread.tacv2`;
    const runs = await Promise.all(Array.from({ length: 9 }, () => postedRun(conversation)));
    for (const { run } of runs) h.adapter.notifier.runChanged(run.id);
    await waitFor(async () => h.sim.connector.puts(conversation).length === 9, { timeoutMs: 10_000, what: '9 card updates' });
    const times = h.sim.connector.puts(conversation).map((p) => p.at).sort((a, b) => a - b);
    for (let i = 7; i < times.length; i += 1) expect(times[i]! - times[i - 7]!).toBeGreaterThanOrEqual(1000);
  });
});

describe('rate limit windows', () => {
  it('the 8th send in a second waits for the first to leave the window; 8 in 2 s waits for the 2 s window', () => {
    const now = 10_000;
    expect(waitBeforeSend([], now, teamsRateLimits)).toBe(0);
    expect(waitBeforeSend([9_500, 9_600, 9_700, 9_800, 9_900, 9_950], now, teamsRateLimits)).toBe(0);
    expect(waitBeforeSend([9_400, 9_500, 9_600, 9_700, 9_800, 9_900, 9_950], now, teamsRateLimits)).toBe(400);
    expect(waitBeforeSend([8_100, 9_100, 9_200, 9_300, 9_400, 9_500, 9_600, 9_700], now, teamsRateLimits)).toBe(100);
  });
});
