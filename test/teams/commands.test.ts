import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../services/runs/start-run.ts';
import { BOT_ID, cardOf, messageActivity, seedTeamsTenant, seedTeamsUser, startTeamsHarness, strangerUser, type Place, type TeamsHarness, type TeamsUser } from './harness.ts';

let h: TeamsHarness;
beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(async () => {
  await h.close();
});

/** Sends a message and returns the text of the one card the bot answered with. */
async function ask(user: TeamsUser, place: Place, text: string): Promise<string> {
  const before = h.sim.connector.posts(place.conversationId).length;
  const response = await h.post(messageActivity(h.sim, user, place, text));
  expect(response.status).toBe(200);
  const posts = h.sim.connector.posts(place.conversationId);
  expect(posts.length).toBe(before + 1);
  // No "typing" activity ahead of the answer (teams-ai ignores startTypingTimer: false unless fixed).
  expect(posts.map((p) => p.activity.type)).not.toContain('typing');
  return JSON.stringify(cardOf(posts.at(-1)!.activity));
}

describe('commands over /api/messages', () => {
  it('unknown or empty input gets a help card naming what was wrong, and the @mention rule', async () => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const user = await seedTeamsUser(h, tenant.id, 'operator');
    const unknown = await ask(user, channel, 'frobnicate now');
    expect(unknown).toContain('Unknown command \\"frobnicate\\"');
    expect(unknown).toContain('@mention Operate Hub');
    expect(unknown).toContain('sync inventory');
    expect(await ask(user, channel, '')).toContain('No command given.');
    expect(await ask(user, channel, 'run nope')).toContain('is not a run id');
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it('a leading slash and any case work; the Teams user id is stored on first contact', async () => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const user = await seedTeamsUser(h, tenant.id, 'operator');
    expect(await ask(user, channel, '/SYNC Groups')).toContain('Groups sync');
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id, type: 'directory_groups.sync' } })).toBe(1);
    const member = await h.t.db.tenantMember.findUniqueOrThrow({ where: { id: user.memberId } });
    expect(member.botUserId).toBe(user.teamsId);
  });

  it('runs, run <id>, status and whoami answer with cards from the database', async () => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const user = await seedTeamsUser(h, tenant.id, 'readonly');
    const operator = await seedTeamsUser(h, tenant.id, 'operator');
    const { run } = await startRun({ db: h.t.db, boss: h.boss }, { tenantId: tenant.id, type: 'inventory.sync', actor: { kind: 'member', memberId: operator.memberId }, source: 'cli', deliveryId: randomUUID() });
    expect(await ask(user, channel, 'runs')).toContain(run.id.slice(0, 8));
    const single = await ask(user, channel, `run ${run.id.slice(0, 8)}`);
    expect(single).toContain('Inventory sync');
    expect(await h.t.db.runMessage.count({ where: { runId: run.id } })).toBe(1);
    const status = await ask(user, channel, 'status');
    expect(status).toContain(tenant.name);
    expect(status).toContain('Inventory sync');
    const whoami = await ask(user, channel, 'whoami');
    expect(whoami).toContain(user.memberId);
    expect(whoami).toContain('readonly');
  });

  it("another tenant's run id is not found", async () => {
    const mine = await seedTeamsTenant(h);
    const theirs = await seedTeamsTenant(h);
    const me = await seedTeamsUser(h, mine.tenant.id, 'owner');
    const them = await seedTeamsUser(h, theirs.tenant.id, 'operator');
    const { run } = await startRun({ db: h.t.db, boss: h.boss }, { tenantId: theirs.tenant.id, type: 'inventory.sync', actor: { kind: 'member', memberId: them.memberId }, source: 'cli', deliveryId: randomUUID() });
    const card = await ask(me, mine.channel, `cancel ${run.id}`);
    expect(card).toContain('not_found');
    expect((await h.t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('queued');
  });

  it('--tenant naming another tenant in a bound channel is refused', async () => {
    const mine = await seedTeamsTenant(h);
    const theirs = await seedTeamsTenant(h);
    const me = await seedTeamsUser(h, mine.tenant.id, 'owner');
    const card = await ask(me, mine.channel, `verify --tenant ${theirs.tenant.slug}`);
    expect(card).toContain('tenant_mismatch');
    expect(await h.t.db.operationRun.count({ where: { tenantId: { in: [mine.tenant.id, theirs.tenant.id] } } })).toBe(0);
  });

  it('an unknown member gets the exact ids and the member add line; an unbound channel the channel bind line', async () => {
    const { channel } = await seedTeamsTenant(h);
    const stranger = strangerUser();
    const unknown = await ask(stranger, channel, 'verify');
    expect(unknown).toContain(stranger.aadObjectId);
    expect(unknown).toContain(`operate-hub member add --tenant <T> --platform teams --user ${stranger.aadObjectId}`);

    const a = await seedTeamsTenant(h);
    const b = await seedTeamsTenant(h);
    const member = await seedTeamsUser(h, a.tenant.id, 'operator');
    await h.t.db.tenantMember.create({ data: { tenantId: b.tenant.id, platform: 'teams', platformUserId: member.aadObjectId, role: 'operator' } });
    const unbound: Place = { conversationId: `19:${randomUUID()}@thread.tacv2`, channelId: `19:${randomUUID()}@thread.tacv2` };
    const card = await ask(member, unbound, 'verify');
    expect(card).toContain(`operate-hub channel bind --tenant <T> --platform teams --channel ${unbound.channelId}`);
    expect(card).toContain(a.tenant.slug);
  });

  it('a personal chat needs no @mention, and --tenant picks one of several tenants', async () => {
    const a = await seedTeamsTenant(h);
    const b = await seedTeamsTenant(h);
    const member = await seedTeamsUser(h, a.tenant.id, 'operator');
    await h.t.db.tenantMember.create({ data: { tenantId: b.tenant.id, platform: 'teams', platformUserId: member.aadObjectId, role: 'readonly' } });
    const personal: Place = { conversationId: `a:${randomUUID()}`, personal: true };
    expect(await ask(member, personal, `whoami --tenant ${b.tenant.slug}`)).toContain(b.tenant.name);
    expect(await ask(member, personal, 'whoami')).toContain('channel_unbound');
  });

  it('a redelivered activity that starts no run (runs, help, cancel) is answered once; the cancel happens once', async () => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const operator = await seedTeamsUser(h, tenant.id, 'operator');
    const { run } = await startRun({ db: h.t.db, boss: h.boss }, { tenantId: tenant.id, type: 'inventory.sync', actor: { kind: 'member', memberId: operator.memberId }, source: 'cli', deliveryId: randomUUID() });
    for (const text of ['runs', 'frobnicate', `cancel ${run.id.slice(0, 8)}`]) {
      const activity = messageActivity(h.sim, operator, channel, text);
      const before = h.sim.connector.posts(channel.conversationId).length;
      const responses = [await h.post(activity), await h.post(activity)];
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
      expect(h.sim.connector.posts(channel.conversationId).length).toBe(before + 1);
    }
    expect(await h.t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: 'cancelled' });
    expect(await h.t.db.auditEvent.count({ where: { tenantId: tenant.id, action: { startsWith: 'run.cancel' } } })).toBe(1);
  });

  it('a message without an Entra object id gets an error card, not silence', async () => {
    const { channel } = await seedTeamsTenant(h);
    const activity = messageActivity(h.sim, strangerUser(), channel, 'verify');
    delete (activity.from as { aadObjectId?: string }).aadObjectId;
    await h.post(activity);
    expect(JSON.stringify(cardOf(h.sim.connector.posts(channel.conversationId).at(-1)!.activity))).toContain('Entra object id');
  });

  it('installing the bot in a conversation posts the help card', async () => {
    const { channel } = await seedTeamsTenant(h);
    const base = messageActivity(h.sim, strangerUser(), channel, '');
    await h.post({ ...base, type: 'conversationUpdate', text: undefined, entities: undefined, membersAdded: [{ id: BOT_ID }] });
    expect(JSON.stringify(cardOf(h.sim.connector.posts(channel.conversationId).at(-1)!.activity))).toContain('Operate Hub commands');
  });
});

describe('local mode request checks', () => {
  it('a serviceUrl that is not loopback is refused before anything runs and nothing is sent', async () => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const user = await seedTeamsUser(h, tenant.id, 'operator');
    const attempts = h.sim.connector.attempts.length;
    const response = await h.post({ ...messageActivity(h.sim, user, channel, 'verify'), serviceUrl: 'https://smba.trafficmanager.net/emea/' });
    expect(response.status).toBe(403);
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(h.sim.connector.attempts.length).toBe(attempts);
  });

  it('a body that is not an activity gets 400 without echoing it', async () => {
    const response = await fetch(`${h.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": <script>' });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('script');
    expect((await h.post({ type: 'message' })).status).toBe(400);
  });

});

describe('teams-ai typing timer', () => {
  it('a turn slower than a second posts no "typing" activity before its answer', async () => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const user = await seedTeamsUser(h, tenant.id, 'operator');
    // teams-ai starts its typing timer (1 s) even with startTypingTimer: false; hold a lock the
    // verify needs for longer than that to make the turn slow.
    const released = h.t.db.$transaction(async (tx) => {
      await tx.$executeRaw`LOCK TABLE inbound_deliveries IN EXCLUSIVE MODE`;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    }, { timeout: 10_000 });
    const response = await h.post(messageActivity(h.sim, user, channel, 'verify'));
    await released;
    expect(response.status).toBe(200);
    expect(response.ms).toBeGreaterThan(1_000);
    expect(h.sim.connector.attempts.filter((a) => a.conversationId === channel.conversationId).map((a) => a.activity.type)).toEqual(['message']);
  });
});
