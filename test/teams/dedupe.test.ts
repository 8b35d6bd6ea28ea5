import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionActivity, cardOf, invokeCard, messageActivity, seedTeamsTenant, seedTeamsUser, startTeamsHarness, verbsOf, type TeamsHarness } from './harness.ts';

// No worker consumes here: a started run stays queued, so the active identity holds.
let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(async () => {
  await h.close();
});

describe('deduplication', () => {
  it('two verify at once create one run; one full card and one short "already running" answer, both pointing at it', async () => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const [alice, bob] = await Promise.all([seedTeamsUser(h, tenant.id, 'operator'), seedTeamsUser(h, tenant.id, 'owner')]);
    const responses = await Promise.all([
      h.post(messageActivity(h.sim, alice, channel, 'verify')),
      h.post(messageActivity(h.sim, bob, channel, 'verify')),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const runs = await h.t.db.operationRun.findMany({ where: { tenantId: tenant.id } });
    expect(runs).toHaveLength(1);
    const shortId = runs[0]!.id.slice(0, 8);
    const cards = h.sim.connector.posts(channel.conversationId).map((p) => cardOf(p.activity));
    expect(cards).toHaveLength(2);
    expect(cards.every((card) => JSON.stringify(card).includes(shortId))).toBe(true);
    const [full, short] = [...cards].sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length);
    expect(JSON.stringify(full)).toContain('Connection verification');
    expect(JSON.stringify(short)).toContain('already queued');
    expect(short!.refresh).toBeUndefined();
    // Only the full card is tracked for in-place updates.
    expect(await h.t.db.runMessage.count({ where: { runId: runs[0]!.id } })).toBe(1);
  });

  it('the same activity delivered twice is handled once: one run, one answer', async () => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const operator = await seedTeamsUser(h, tenant.id, 'operator');
    const activity = messageActivity(h.sim, operator, channel, 'verify');
    const first = await h.post(activity);
    const again = await h.post(activity);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await h.t.db.inboundDelivery.count({ where: { platform: 'teams', deliveryId: activity.id } })).toBe(1);
    expect(h.sim.connector.posts(channel.conversationId)).toHaveLength(1);
  });

  it('the same activity delivered twice concurrently is still handled once', async () => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const operator = await seedTeamsUser(h, tenant.id, 'operator');
    const activity = messageActivity(h.sim, operator, channel, 'sync inventory');
    await Promise.all([h.post(activity), h.post(activity)]);
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(h.sim.connector.posts(channel.conversationId)).toHaveLength(1);
  });

  it('Start verification is offered on a finished verification only while no verification of that connection is active', async () => {
    const { tenant, channel, connection } = await seedTeamsTenant(h);
    const operator = await seedTeamsUser(h, tenant.id, 'operator');
    await h.post(messageActivity(h.sim, operator, channel, 'verify'));
    const first = await h.t.db.operationRun.findFirstOrThrow({ where: { tenantId: tenant.id } });
    const refresh = async () => verbsOf(invokeCard((await h.post(actionActivity(h.sim, operator, channel, 'refresh', { runId: first.id }))).body));
    expect(await refresh()).toEqual(['refresh', 'cancel_run', 'show_runs']);
    await h.t.db.operationRun.update({ where: { id: first.id }, data: { status: 'succeeded', finishedAt: new Date() } });
    expect(await refresh()).toEqual(['refresh', 'start_verification', 'show_runs']);

    const start = await h.post(actionActivity(h.sim, operator, channel, 'start_verification', { connectionId: connection.id }));
    expect(start.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: expect.stringMatching(/^Started connection verification/) });
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id, status: 'queued' } })).toBe(1);
    expect(await refresh()).toEqual(['refresh', 'show_runs']);
    const again = await h.post(actionActivity(h.sim, operator, channel, 'start_verification', { connectionId: connection.id }));
    expect(again.body).toMatchObject({ value: expect.stringContaining('already queued') });
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(2);
  });
});
