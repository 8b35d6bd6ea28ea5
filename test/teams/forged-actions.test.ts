import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../services/runs/start-run.ts';
import { actionActivity, invokeCard, seedTeamsTenant, seedTeamsUser, startTeamsHarness, strangerUser, verbsOf, type TeamsHarness } from './harness.ts';

// No worker: runs stay queued. Every forged click must answer clearly and change nothing.
let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(async () => {
  await h.close();
});

async function tenantWithRun() {
  const seeded = await seedTeamsTenant(h);
  const operator = await seedTeamsUser(h, seeded.tenant.id, 'operator');
  const reader = await seedTeamsUser(h, seeded.tenant.id, 'readonly');
  const { run } = await startRun({ db: h.t.db, boss: h.boss }, {
    tenantId: seeded.tenant.id, type: 'inventory.sync', actor: { kind: 'member', memberId: operator.memberId }, source: 'teams', deliveryId: randomUUID(),
  });
  return { ...seeded, operator, reader, run };
}

function message(body: unknown): string {
  const b = body as { type?: string; value?: unknown };
  expect(b.type).toBe('application/vnd.microsoft.activity.message');
  return String(b.value);
}

describe('forged Action.Execute', () => {
  it("a readonly member's Start verification is not allowed: audit event, no run", async () => {
    const { tenant, channel, reader, connection } = await tenantWithRun();
    const before = await h.t.db.operationRun.count({ where: { tenantId: tenant.id } });
    const response = await h.post(actionActivity(h.sim, reader, channel, 'start_verification', { connectionId: connection.id }));
    expect(response.status).toBe(200);
    expect(message(response.body)).toMatch(/^Not allowed/);
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(before);
    expect(await h.t.db.auditEvent.count({ where: { tenantId: tenant.id, outcome: 'denied', actor: reader.memberId } })).toBe(1);
  });

  it("a readonly member's cancel is not allowed and the run stays queued", async () => {
    const { tenant, channel, reader, run } = await tenantWithRun();
    const response = await h.post(actionActivity(h.sim, reader, channel, 'cancel_run', { runId: run.id }));
    expect(message(response.body)).toMatch(/^Not allowed/);
    expect((await h.t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('queued');
    expect(await h.t.db.auditEvent.count({ where: { tenantId: tenant.id, outcome: 'denied', actor: reader.memberId } })).toBe(1);
  });

  it("another tenant's run id is not found (refresh and cancel), audited, and that run is untouched", async () => {
    const mine = await tenantWithRun();
    const theirs = await tenantWithRun();
    const refresh = await h.post(actionActivity(h.sim, mine.operator, mine.channel, 'refresh', { runId: theirs.run.id }));
    expect(message(refresh.body)).toMatch(/No run .* in this tenant/);
    const cancel = await h.post(actionActivity(h.sim, mine.operator, mine.channel, 'cancel_run', { runId: theirs.run.id }));
    expect(message(cancel.body)).toMatch(/No run .* in this tenant/);
    expect((await h.t.db.operationRun.findUniqueOrThrow({ where: { id: theirs.run.id } })).status).toBe('queued');
    expect(await h.t.db.auditEvent.count({ where: { tenantId: mine.tenant.id, outcome: 'denied', action: { in: ['card.refresh', 'card.cancel_run'] } } })).toBe(2);
  });

  it("another tenant's connection id cannot start a verification there or here", async () => {
    const mine = await tenantWithRun();
    const theirs = await tenantWithRun();
    const response = await h.post(actionActivity(h.sim, mine.operator, mine.channel, 'start_verification', { connectionId: theirs.connection.id }));
    expect(message(response.body)).toMatch(/No such connection/);
    expect(await h.t.db.operationRun.count({ where: { type: 'provider_connection.verify', tenantId: { in: [mine.tenant.id, theirs.tenant.id] } } })).toBe(0);
  });

  it.each([
    ['a tenant id smuggled into the data', 'refresh', (runId: string) => ({ runId, tenantId: randomUUID() })],
    ['a run id that is not a UUID', 'refresh', () => ({ runId: "1' OR '1'='1" })],
    ['an unknown verb', 'explode', (runId: string) => ({ runId })],
    ['data that is not an object', 'refresh', () => 'run-id'],
    ['no data at all', 'cancel_run', () => undefined],
  ])('malformed data (%s) gets a clear error and changes nothing', async (_label, verb, data) => {
    const { tenant, channel, operator, run } = await tenantWithRun();
    const response = await h.post(actionActivity(h.sim, operator, channel, verb, data(run.id)));
    expect(response.status).toBe(200);
    expect(message(response.body)).toMatch(/not valid/);
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect((await h.t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('queued');
  });

  it('a stranger (no member) cannot refresh a run: a clear error naming the setup step', async () => {
    const { channel, run } = await tenantWithRun();
    const response = await h.post(actionActivity(h.sim, strangerUser(), channel, 'refresh', { runId: run.id }));
    expect(message(response.body)).toMatch(/not a member/i);
  });

  it("an operator's cancel cancels the run and returns their view; the shared card is updated in place read-only", async () => {
    const { channel, operator, run } = await tenantWithRun();
    await h.t.db.runMessage.create({ data: { runId: run.id, platform: 'teams', channelId: channel.channelId!, messageId: 'msg-shared', conversation: { serviceUrl: h.sim.url, channelId: 'msteams', conversation: { id: channel.conversationId }, bot: { id: '28:bot' } } } });
    const response = await h.post(actionActivity(h.sim, operator, channel, 'cancel_run', { runId: run.id }));
    const card = invokeCard(response.body);
    expect(JSON.stringify(card)).toContain('Cancelled');
    expect(verbsOf(card)).toEqual(['refresh', 'show_runs']);
    expect((await h.t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('cancelled');
    await h.adapter.notifier.idle();
    const put = h.sim.connector.puts(channel.conversationId);
    expect(put.map((p) => p.targetId)).toEqual(['msg-shared']);
  });
});
