import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackApiCall } from '../../sim/slack/slack-simulator.ts';
import { waitFor } from '../helpers/fixtures.ts';
import { startSlackHarness, type SlackHarness, type World } from './slack-harness.ts';

// No worker: runs stay as the test leaves them.
let h: SlackHarness;
let w: World;
let other: World;
beforeAll(async () => {
  h = await startSlackHarness();
  [w, other] = [await h.world(['operator', 'readonly']), await h.world(['operator'])];
});
afterAll(async () => {
  await h.close();
});

const text = (value: unknown) => JSON.stringify(value);
const answered = new Set<SlackApiCall>();
/** The next ephemeral reply to this member not looked at yet. */
async function ephemeralTo(userId: string): Promise<SlackApiCall> {
  const call = await waitFor(async () => h.sim.callsTo('chat.postEphemeral').find((c) => c.params.user === userId && !answered.has(c)), { what: 'ephemeral reply' });
  answered.add(call);
  return call;
}

/** A finished verification run of `world`, with its channel message. */
async function finishedVerification(world: World) {
  await h.slash(world.members.operator, 'verify');
  const run = await waitFor(() => h.t.db.operationRun.findFirst({ where: { tenantId: world.tenantId, type: 'provider_connection.verify', status: 'queued' } }), { what: 'run' });
  const message = await waitFor(() => h.t.db.runMessage.findFirst({ where: { runId: run.id } }), { what: 'message' });
  await h.t.db.operationRun.update({ where: { id: run.id }, data: { status: 'failed', finishedAt: new Date(), failures: [{ reason_code: 'provider_consent_missing', message: 'No admin consent.', blocking: true }] } });
  return { run, message };
}

describe('block actions', () => {
  it('a readonly member\'s Verify again click is refused ephemerally, audited, and starts no run', async () => {
    const { message } = await finishedVerification(w);
    const before = await h.t.db.operationRun.count({ where: { tenantId: w.tenantId } });
    const res = await h.click(w.members.readonly, { verb: 'start_verification', connectionId: w.connectionId }, { messageTs: message.messageId });
    expect(res.status).toBe(200);
    const reply = await ephemeralTo(w.members.readonly.userId);
    expect(text(reply.params.blocks)).toContain('Not allowed');
    expect(await h.t.db.operationRun.count({ where: { tenantId: w.tenantId } })).toBe(before);
    expect(await h.t.db.auditEvent.count({ where: { tenantId: w.tenantId, outcome: 'denied', actor: w.members.readonly.memberId } })).toBeGreaterThan(0);
  });

  it('clicks naming another tenant\'s run or connection find nothing, are audited, and start no run', async () => {
    const foreign = await finishedVerification(other);
    const before = await h.t.db.operationRun.count();
    for (const value of [
      { verb: 'start_verification', connectionId: other.connectionId },
      { verb: 'cancel_run', runId: foreign.run.id },
      { verb: 'open_report', runId: foreign.run.id },
    ]) {
      await h.click(w.members.operator, value);
      const reply = await ephemeralTo(w.members.operator.userId);
      expect(text(reply.params.blocks)).toContain('not_found');
    }
    expect(await h.t.db.operationRun.count()).toBe(before);
    expect(await h.t.db.auditEvent.count({ where: { tenantId: w.tenantId, outcome: 'denied', detail: { path: ['reason_code'], equals: 'not_found' } } })).toBe(3);
    expect(h.sim.callsTo('views.open').some((c) => text(c.params.view).includes(foreign.run.id))).toBe(false);
  });

  it('a forged button value (unknown verb, extra field, not JSON) is refused as invalid input', async () => {
    for (const value of [{ verb: 'delete_tenant' }, { verb: 'show_runs', tenantId: other.tenantId }, 'not json']) {
      await h.click(w.members.operator, value, { actionId: 'opshub_show_runs' });
      const reply = await ephemeralTo(w.members.operator.userId);
      expect(text(reply.params.blocks)).toContain('invalid_input');
    }
  });

  it('a readonly member opens the full report in a modal, with reason codes and remediation', async () => {
    const { run } = await finishedVerification(w);
    await h.click(w.members.readonly, { verb: 'open_report', runId: run.id });
    const opened = await waitFor(async () => h.sim.callsTo('views.open').find((c) => text(c.params.view).includes(run.id)), { what: 'modal' });
    const view = text(opened.params.view);
    expect(view).toContain('provider_consent_missing');
    expect(view).toContain('What to do');
    expect((opened.params.view as { blocks: unknown[] }).blocks.length).toBeLessThanOrEqual(50);
  });

  it('an operator\'s Verify again on a finished verification posts a new run message; a second click points to it', async () => {
    const { message } = await finishedVerification(w);
    const before = await h.t.db.operationRun.count({ where: { tenantId: w.tenantId } });
    await h.click(w.members.operator, { verb: 'start_verification', connectionId: w.connectionId }, { messageTs: message.messageId });
    await waitFor(() => h.t.db.runMessage.count({ where: { channelId: w.channelId } }).then((n) => n === before + 1), { what: 'new message' });
    await h.click(w.members.operator, { verb: 'start_verification', connectionId: w.connectionId });
    const pointer = await ephemeralTo(w.members.operator.userId);
    expect(text(pointer.params.blocks)).toContain('already');
    expect(await h.t.db.operationRun.count({ where: { tenantId: w.tenantId } })).toBe(before + 1);
  });

  it('an operator\'s Cancel click cancels the run and the channel message is updated in place', async () => {
    await h.slash(w.members.operator, 'sync groups');
    const run = await waitFor(() => h.t.db.operationRun.findFirst({ where: { tenantId: w.tenantId, type: 'directory_groups.sync', status: 'queued' } }), { what: 'run' });
    const message = await waitFor(() => h.t.db.runMessage.findFirst({ where: { runId: run.id } }), { what: 'message' });
    await h.click(w.members.operator, { verb: 'cancel_run', runId: run.id }, { messageTs: message.messageId });
    await waitFor(async () => text(h.sim.message(w.channelId, message.messageId)?.blocks).includes('Cancelled'), { what: 'updated message' });
    expect((await h.t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('cancelled');
  });

  it('Refresh on the channel message replaces it through response_url with the least-privileged view', async () => {
    const { run, message } = await finishedVerification(w);
    await h.click(w.members.operator, { verb: 'refresh', runId: run.id }, { messageTs: message.messageId });
    const replaced = await waitFor(async () => h.sim.responses.find((r) => r.body.replace_original === true && text(r.body).includes(run.id)), { what: 'replace_original' });
    expect(text(replaced.body.blocks)).toContain('provider_consent_missing');
    // The shared message never carries a viewer's role.
    expect(replaced.body.response_type).toBe('in_channel');
  });
});
