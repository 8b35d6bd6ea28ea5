import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../../worker/worker.ts';
import type { MicrosoftSimulator } from '../../sim/microsoft/server.ts';
import { waitFor } from '../helpers/fixtures.ts';
import { actionActivity, cardOf, invokeCard, messageActivity, startTeamsHarness, verbsOf, type TeamsHarness, type TeamsUser } from './harness.ts';
import { microsoftTenant, newKeyring, seedConnectedTenant, startMicrosoft, startVerifyWorker, type MicrosoftTenantFixture } from './microsoft-bed.ts';
import { seedMember } from '../helpers/fixtures.ts';
import { randomUUID } from 'node:crypto';

// Local mode over real HTTP: activities POSTed to /api/messages, replies to the fake connector,
// the real worker and verify handler against the Microsoft simulator.
let h: TeamsHarness;
let microsoft: MicrosoftSimulator;
let worker: RunningWorker;
const keyring = newKeyring();
const fixtures: MicrosoftTenantFixture[] = [microsoftTenant(), microsoftTenant(), microsoftTenant(), microsoftTenant()];

beforeAll(async () => {
  h = await startTeamsHarness();
  microsoft = await startMicrosoft(fixtures);
  worker = await startVerifyWorker({ t: h.t, boss: h.boss, sim: microsoft, keyring, notifier: h.adapter.notifier });
});
afterAll(async () => {
  await worker.stop();
  await microsoft.close();
  await h.close();
});

async function teamsUser(tenantId: string, role: 'readonly' | 'operator' | 'owner'): Promise<TeamsUser> {
  const member = await seedMember(h.t.db, tenantId, role);
  return { aadObjectId: member.platformUserId, teamsId: `29:${randomUUID()}`, name: `${role} user`, memberId: member.id };
}

const finished = (runId: string) => waitFor(async () => {
  const run = await h.t.db.operationRun.findUniqueOrThrow({ where: { id: runId } });
  return run.status === 'queued' || run.status === 'running' ? null : run;
}, { timeoutMs: 20_000, what: `run ${runId} to finish` });

describe('verify in a bound channel', () => {
  it("an operator's @mention verify starts one run, posts its card, and the card is updated in place with the report", async () => {
    const { tenant, channel } = await seedConnectedTenant(h.t, keyring, fixtures[0]!);
    const operator = await teamsUser(tenant.id, 'operator');
    const activity = messageActivity(h.sim, operator, channel, 'verify');
    const response = await h.post(activity);
    expect(response.status).toBe(200);

    const runs = await h.t.db.operationRun.findMany({ where: { tenantId: tenant.id } });
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.type).toBe('provider_connection.verify');
    expect(run.context).toMatchObject({ trigger: { source: 'teams' }, delivery_id: activity.id });

    const posts = h.sim.connector.posts(channel.conversationId);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.targetId).toBe(activity.id);
    const posted = cardOf(posts[0]!.activity);
    expect(JSON.stringify(posted)).toContain(run.id.slice(0, 8));
    expect(posted.version).toBe('1.5');
    // The shared message is the read-only view; operators auto-refresh into theirs.
    expect(verbsOf(posted)).toEqual(['refresh', 'show_runs']);
    expect(posted.refresh).toMatchObject({ action: { verb: 'refresh', data: { runId: run.id } }, userIds: [operator.teamsId] });
    const recorded = await h.t.db.runMessage.findMany({ where: { runId: run.id } });
    expect(recorded).toMatchObject([{ platform: 'teams', messageId: posts[0]!.id, channelId: channel.channelId }]);

    const done = await finished(run.id);
    expect(done.status).toBe('succeeded');
    await h.adapter.notifier.idle();
    const puts = h.sim.connector.puts(channel.conversationId);
    expect(puts.length).toBeGreaterThanOrEqual(1);
    expect(puts.every((p) => p.targetId === posts[0]!.id)).toBe(true);
    const final = JSON.stringify(cardOf(puts.at(-1)!.activity));
    expect(final).toContain('Succeeded');
    expect(final).toContain('Verification report');
    expect(final).toContain('Verified: every check passed');
    expect(final).toContain(fixtures[0]!.clientId);
    expect(h.sim.connector.posts(channel.conversationId)).toHaveLength(1);
  });

  it('a readonly member is denied: a "not allowed" card, an audit event, no run', async () => {
    const { tenant, channel } = await seedConnectedTenant(h.t, keyring, fixtures[1]!);
    const reader = await teamsUser(tenant.id, 'readonly');
    const response = await h.post(messageActivity(h.sim, reader, channel, 'verify'));
    expect(response.status).toBe(200);
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(0);
    const audit = await h.t.db.auditEvent.findMany({ where: { tenantId: tenant.id, outcome: 'denied' } });
    expect(audit).toMatchObject([{ action: 'run.start.provider_connection.verify', actor: reader.memberId }]);
    const card = JSON.stringify(cardOf(h.sim.connector.posts(channel.conversationId)[0]!.activity));
    expect(card).toContain('Not allowed');
    expect(card).toContain('not_authorized');
  });

  it("on a finished verification card, a readonly member's refresh has no start button and an operator's has one; rendering calls Graph zero times", async () => {
    const { tenant, channel } = await seedConnectedTenant(h.t, keyring, fixtures[2]!);
    const operator = await teamsUser(tenant.id, 'operator');
    const reader = await teamsUser(tenant.id, 'readonly');
    await h.post(messageActivity(h.sim, operator, channel, 'verify'));
    const run = await h.t.db.operationRun.findFirstOrThrow({ where: { tenantId: tenant.id } });
    await finished(run.id);
    await h.adapter.notifier.idle();
    const graphCallsBefore = microsoft.requestLog.length;
    const putsBefore = h.sim.connector.puts().length;

    const readerView = await h.post(actionActivity(h.sim, reader, channel, 'refresh', { runId: run.id }));
    expect(readerView.status).toBe(200);
    const readerCard = invokeCard(readerView.body);
    expect(verbsOf(readerCard)).toEqual(['refresh', 'show_runs']);
    expect(JSON.stringify(readerCard)).toContain('Verification report');

    const operatorView = await h.post(actionActivity(h.sim, operator, channel, 'refresh', { runId: run.id }));
    const operatorCard = invokeCard(operatorView.body);
    expect(verbsOf(operatorCard)).toEqual(['refresh', 'start_verification', 'show_runs']);
    expect(operatorCard.refresh).toMatchObject({ userIds: [operator.teamsId] });

    // Refreshes re-render from the database only, and answer the clicker alone (no PUT over the shared card).
    h.adapter.notifier.runChanged(run.id);
    await h.adapter.notifier.idle();
    expect(microsoft.requestLog.length).toBe(graphCallsBefore);
    expect(h.sim.connector.puts().length).toBe(putsBefore + 1);
    expect(verbsOf(cardOf(h.sim.connector.puts().at(-1)!.activity))).toEqual(['refresh', 'show_runs']);
  });

  it("an operator's Start verification click starts a new run, posts its card and answers with a message", async () => {
    const { tenant, channel, connection } = await seedConnectedTenant(h.t, keyring, fixtures[3]!);
    const operator = await teamsUser(tenant.id, 'operator');
    const response = await h.post(actionActivity(h.sim, operator, channel, 'start_verification', { connectionId: connection.id }));
    expect(response.status).toBe(200);
    const run = await h.t.db.operationRun.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(response.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: expect.stringContaining(run.id.slice(0, 8)) });
    expect(h.sim.connector.posts(channel.conversationId)).toHaveLength(1);
    expect(await h.t.db.runMessage.count({ where: { runId: run.id } })).toBe(1);
    await finished(run.id);
  });
});
