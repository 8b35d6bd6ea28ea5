import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../services/reason-codes.ts';
import type { OperationHandler } from '../../worker/handler.ts';
import { waitFor } from '../helpers/fixtures.ts';
import { report } from './verification-fixture.ts';
import { newUserId, startSlackHarness, type SlackHarness } from './slack-harness.ts';

// The verify handler stands in for the Microsoft one: it finishes with a report.
const verifyHandler: OperationHandler = async () => ({
  status: 'partially_succeeded',
  summary: { outcome: 'degraded', checks: { pass: 5, fail: 1 } },
  failures: [failure('provider_permission_denied', 'DeviceManagementConfiguration.ReadWrite.All is not granted.')],
  result: report,
});

let h: SlackHarness;
/** No worker consumes here: runs stay queued, so identity conflicts are deterministic. */
let idle: SlackHarness;
beforeAll(async () => {
  [h, idle] = await Promise.all([startSlackHarness({ handlers: { 'provider_connection.verify': verifyHandler } }), startSlackHarness()]);
});
afterAll(async () => {
  await Promise.all([h.close(), idle.close()]);
});

const blocksText = (blocks: unknown) => JSON.stringify(blocks);

describe('/opshub commands', () => {
  it('an operator\'s /opshub verify in a bound channel answers 200 within 3 s, starts one run, posts one message and updates it in place with the report', async () => {
    const w = await h.world();
    const res = await h.slash(w.members.operator, 'verify');
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    const run = await waitFor(() => h.t.db.operationRun.findFirst({ where: { tenantId: w.tenantId } }), { what: 'run' });
    expect(run.type).toBe('provider_connection.verify');
    expect(run.context).toMatchObject({ trigger: { source: 'slack', platform_user: w.members.operator.userId } });
    expect(await h.t.db.inboundDelivery.count({ where: { platform: 'slack', runId: run.id } })).toBe(1);
    const posted = await waitFor(async () => h.sim.callsTo('chat.postMessage').find((c) => c.params.channel === w.channelId), { what: 'post' });
    const recorded = await waitFor(() => h.t.db.runMessage.findFirst({ where: { runId: run.id, platform: 'slack' } }), { what: 'run message' });
    expect(recorded.channelId).toBe(w.channelId);
    await waitFor(async () => {
      const message = h.sim.message(w.channelId, recorded.messageId);
      return message && blocksText(message.blocks).includes('provider_permission_denied') ? message : null;
    }, { what: 'report in the updated message' });
    const message = h.sim.message(w.channelId, recorded.messageId);
    expect(message?.updates).toBeGreaterThanOrEqual(1);
    expect(blocksText(message?.blocks)).toContain('Full report');
    expect(blocksText(posted.params.blocks)).toContain('Target');
    expect(await h.t.db.operationRun.count({ where: { tenantId: w.tenantId } })).toBe(1);
    expect(h.sim.callsTo('chat.postMessage').filter((c) => c.params.channel === w.channelId)).toHaveLength(1);
    // Anyone in the channel, readonly included, opens the full report from that message.
    await h.click(w.members.readonly, { verb: 'open_report', runId: run.id }, { messageTs: recorded.messageId });
    const modal = await waitFor(async () => h.sim.callsTo('views.open').find((c) => blocksText(c.params.view).includes(run.id)), { what: 'report modal' });
    expect(blocksText(modal.params.view)).toContain('Admin consent');
    expect(blocksText(modal.params.view)).toContain('Grant DeviceManagementConfiguration.ReadWrite.All');
  });

  it('a readonly member\'s /opshub verify gets an ephemeral denial, an audit event and no run', async () => {
    const w = await h.world();
    const res = await h.slash(w.members.readonly, 'verify');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    expect(blocksText(res.json)).toContain('Not allowed');
    expect(await h.t.db.operationRun.count({ where: { tenantId: w.tenantId } })).toBe(0);
    const audit = await h.t.db.auditEvent.findFirst({ where: { tenantId: w.tenantId, outcome: 'denied', actor: w.members.readonly.memberId } });
    expect(audit?.action).toBe('run.start.provider_connection.verify');
    expect(h.sim.callsTo('chat.postMessage').filter((c) => c.params.channel === w.channelId)).toHaveLength(0);
  });

  it('20 concurrent /opshub sync inventory in one channel leave one active run and one channel message; the other 19 get an ephemeral pointer', async () => {
    const w = await idle.world(['operator']);
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => idle.slash(w.members.operator, 'sync inventory')));
    expect(results.every((r) => r.status === 200)).toBe(true);
    // A start slower than the ack budget acks "working on it" and answers through response_url.
    const inAck = results.filter((r) => blocksText(r.json).includes('already'));
    const late = () => idle.sim.responses.filter((r) => r.at >= started && blocksText(r.body).includes('already'));
    await waitFor(async () => inAck.length + late().length >= 19, { what: '19 pointers' });
    expect(inAck.length + late().length).toBe(19);
    expect([...inAck.map((r) => r.json), ...late().map((r) => r.body)].every((b) => (b as { response_type?: string }).response_type === 'ephemeral')).toBe(true);
    await waitFor(() => idle.t.db.runMessage.count({ where: { channelId: w.channelId } }).then((n) => n === 1), { what: 'one recorded message' });
    expect(await idle.t.db.operationRun.count({ where: { tenantId: w.tenantId, status: { in: ['queued', 'running'] } } })).toBe(1);
    expect(idle.sim.callsTo('chat.postMessage').filter((c) => c.params.channel === w.channelId)).toHaveLength(1);
  });

  it('a start joining a run already in progress points to its message with a permalink instead of posting again', async () => {
    const w = await idle.world(['operator']);
    await idle.slash(w.members.operator, 'sync groups');
    const recorded = await waitFor(() => idle.t.db.runMessage.findFirst({ where: { channelId: w.channelId } }), { what: 'first message' });
    const again = await idle.slash(w.members.operator, 'sync groups');
    expect(blocksText(again.json)).toContain(`archives/${w.channelId}/p${recorded.messageId.replace('.', '')}`);
    expect(idle.sim.callsTo('chat.postMessage').filter((c) => c.params.channel === w.channelId)).toHaveLength(1);
  });

  it('unknown command text gets ephemeral help naming what was wrong', async () => {
    const w = await h.world(['operator']);
    const res = await h.slash(w.members.operator, 'frobnicate now');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    const text = blocksText(res.json);
    expect(text).toContain('Unknown command \\"frobnicate\\"');
    expect(text).toContain('/opshub sync inventory');
    const bare = await h.slash(w.members.operator, '');
    expect(blocksText(bare.json)).toContain('Operate Hub commands');
    expect(blocksText(bare.json)).not.toContain(':warning:');
  });

  it('/verify is a shortcut for /opshub verify; arguments it does not take are named', async () => {
    const w = await h.world(['operator']);
    const res = await h.slash(w.members.operator, '', { command: '/verify' });
    expect(res.status).toBe(200);
    await waitFor(() => h.t.db.operationRun.findFirst({ where: { tenantId: w.tenantId, type: 'provider_connection.verify' } }), { what: 'verify run' });
    const bad = await h.slash(w.members.operator, 'now please', { command: '/verify' });
    expect(blocksText(bad.json)).toContain('takes no arguments');
  });

  it('an unknown member gets the ids and the CLI lines an owner runs, and no run', async () => {
    const w = await h.world([]);
    const stranger = { userId: newUserId(), channelId: w.channelId, memberId: '' };
    const res = await h.slash(stranger, 'verify');
    const text = blocksText(res.json);
    expect(text).toContain(stranger.userId);
    expect(text).toContain(`operate-hub member add --tenant &lt;T&gt; --platform slack --user ${stranger.userId} --team T0001`);
    expect(text).toContain(w.channelId);
    expect(await h.t.db.operationRun.count({ where: { tenantId: w.tenantId } })).toBe(0);
  });

  it('a request from another workspace than the bot\'s own is refused without touching the tenant', async () => {
    const w = await h.world(['operator']);
    const res = await h.slash(w.members.operator, 'verify', { teamId: 'T0THER' });
    expect(res.status).toBe(200);
    expect(blocksText(res.json)).toContain('Not allowed');
    expect(await h.t.db.operationRun.count({ where: { tenantId: w.tenantId } })).toBe(0);
  });

  it('when the bot is not in the channel the run card goes back through response_url with an /invite hint', async () => {
    const w = await idle.world(['operator']);
    idle.sim.leaveChannel(w.channelId);
    await idle.slash(w.members.operator, 'sync inventory');
    const response = await waitFor(async () => idle.sim.responses.find((r) => blocksText(r.body).includes('/invite')), { what: 'response_url post' });
    expect(response.body.response_type).toBe('ephemeral');
    expect(blocksText(response.body.blocks)).toContain('/invite @Operate Hub');
    expect(await idle.t.db.runMessage.count({ where: { channelId: w.channelId } })).toBe(0);
  });

  it('/opshub runs lists the tenant\'s runs ephemerally with an Open button per run', async () => {
    const w = await h.world(['operator']);
    await h.slash(w.members.operator, 'verify');
    const run = await waitFor(() => h.t.db.operationRun.findFirst({ where: { tenantId: w.tenantId } }), { what: 'run' });
    const res = await h.slash(w.members.operator, 'runs');
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    expect(blocksText(res.json)).toContain(run.id.slice(0, 8));
    expect(blocksText(res.json)).toContain('opshub_open_report');
  });

  it('a service slower than the ack budget gets "working on it" as the ack; the run message and a denial still follow', async () => {
    const slow = await startSlackHarness({ tuning: { ackBudgetMs: 0 } });
    try {
      const w = await slow.world(['operator', 'readonly']);
      const started = await slow.slash(w.members.operator, 'sync inventory');
      expect(blocksText(started.json)).toContain('Working on it');
      await waitFor(() => slow.t.db.runMessage.count({ where: { channelId: w.channelId } }).then((n) => n === 1), { what: 'run message' });
      const denied = await slow.slash(w.members.readonly, 'sync inventory');
      expect(blocksText(denied.json)).toContain('Working on it');
      const late = await waitFor(async () => slow.sim.responses.find((r) => blocksText(r.body).includes('Not allowed')), { what: 'late denial' });
      expect(late.body.response_type).toBe('ephemeral');
    } finally {
      await slow.close();
    }
  });

  it('--tenant naming another tenant in a bound channel is refused, and run ids of another tenant are not found', async () => {
    const w = await h.world(['operator']);
    const elsewhere = await h.world(['operator']);
    const slug = (await h.t.db.tenant.findUniqueOrThrow({ where: { id: elsewhere.tenantId } })).slug;
    const mismatch = await h.slash(w.members.operator, `verify --tenant ${slug}`);
    expect(blocksText(mismatch.json)).toContain('tenant_mismatch');
    await h.slash(elsewhere.members.operator, 'verify');
    const foreign = await waitFor(() => h.t.db.operationRun.findFirst({ where: { tenantId: elsewhere.tenantId } }), { what: 'foreign run' });
    for (const text of [`run ${foreign.id.slice(0, 8)}`, `cancel ${foreign.id}`]) {
      const res = await h.slash(w.members.operator, text);
      expect(blocksText(res.json)).toContain('not_found');
    }
    expect(await h.t.db.operationRun.count({ where: { tenantId: w.tenantId } })).toBe(0);
  });
});

