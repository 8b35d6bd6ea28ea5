import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockLimits, type Block } from '../../cards/slack/block-kit.ts';
import { duplicateMessage, notInChannelMessage, replyMessage, reportMessage, reportModal, runMessage } from '../../cards/slack/reply-blocks.ts';
import { commandHelp } from '../../services/chat/command.ts';
import { channelNotes } from '../../services/chat/help-notes.ts';
import type { ChatReply } from '../../services/chat/replies.ts';
import type { RunView } from '../../services/views/run-view.ts';
import { report } from './verification-fixture.ts';

const text = (max: number) => fc.string({ maxLength: max, unit: 'grapheme' });
const id = fc.uuid();
const iso = fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
const status = fc.constantFrom('queued', 'running', 'succeeded', 'partially_succeeded', 'failed', 'cancelled');

const runView: fc.Arbitrary<RunView> = fc.record({
  id, type: fc.constantFrom('provider_connection.verify', 'inventory.sync', 'restore.execute'), status, text: text(200), name: text(300),
  failures: fc.array(fc.record({ reasonCode: text(60), originalCode: fc.option(text(60), { nil: undefined }), message: text(4000), blocking: fc.boolean(), remediation: text(1500) }), { maxLength: 120 }),
  summary: fc.dictionary(text(80), fc.oneof(text(3000), fc.integer(), fc.boolean(), fc.array(text(50), { maxLength: 30 }), fc.dictionary(text(20), fc.integer(), { maxKeys: 8 })), { maxKeys: 40 }),
  related: fc.array(fc.record({ kind: fc.constantFrom('connection', 'backup_set', 'run'), id, label: text(200) }), { maxLength: 6 }),
  createdAt: iso, finishedAt: fc.option(iso, { nil: null }), role: fc.constantFrom('readonly', 'operator', 'owner', null),
}).map((r) => ({
  id: r.id, shortId: r.id.slice(0, 8), type: r.type, typeLabel: r.text || 'Run', status: r.status as RunView['status'], statusLabel: r.status,
  active: r.status === 'queued' || r.status === 'running', tenant: { id: r.id, name: r.name, slug: 'contoso' },
  target: { kind: 'connection', id: r.id, label: r.name }, related: r.related.map((x) => ({ ...x, shortId: x.id.slice(0, 8) })) as RunView['related'],
  trigger: { source: 'slack', actor: r.name }, createdAt: r.createdAt, startedAt: r.createdAt, finishedAt: r.finishedAt,
  summary: r.summary, failures: r.failures, result: null, viewerRole: r.role, actions: { refresh: true, cancel: r.role !== null, startVerification: r.role === 'owner' },
}));

const runListItem = fc.record({ id, status, label: text(200), codes: fc.array(text(40), { maxLength: 10 }), at: iso })
  .map((r) => ({ id: r.id, shortId: r.id.slice(0, 8), type: 'inventory.sync', typeLabel: r.label, status: r.status, statusLabel: r.status, createdAt: r.at, reasonCodes: r.codes }));
const tenant = fc.record({ id, name: text(300), slug: fc.constant('contoso') });

const reply: fc.Arbitrary<ChatReply> = fc.oneof(
  runView.map((run): ChatReply => ({ kind: 'run', run, deduplicated: false, redelivered: false, messages: [] })),
  fc.record({ tenant, runs: fc.array(runListItem, { maxLength: 60 }) }).map(({ tenant: t, runs }): ChatReply => ({ kind: 'runs', tenant: t, runs, viewerRole: 'readonly' })),
  fc.record({ tenant, runs: fc.array(runListItem, { maxLength: 60 }) }).map(({ tenant: t, runs }): ChatReply => ({ kind: 'status', tenant: t, connection: null, activeRuns: runs, viewerRole: 'operator' })),
  fc.option(text(600), { nil: undefined }).map((problem): ChatReply => ({ kind: 'help', ...(problem ? { problem } : {}), commands: commandHelp, notes: channelNotes })),
  fc.record({ message: text(4000), denied: fc.boolean(), user: text(100) }).map((e): ChatReply => ({
    kind: 'error', reasonCode: 'member_unknown', message: e.message, remediation: e.message, denied: e.denied,
    setup: { user_id: e.user, team_id: 'T0001', channel_id: 'C1', member_add: `operate-hub member add --user ${e.user}`, channel_bind: 'operate-hub channel bind', tenants: ['a', 'b'] },
  })),
);

/** Slack's limits for what these cards use; a violation fails chat.postMessage with invalid_blocks. */
function assertValidBlocks(blocks: Block[], max: number = blockLimits.messageBlocks): void {
  expect(blocks.length).toBeLessThanOrEqual(max);
  expect(blocks.length).toBeGreaterThan(0);
  const actionIds = new Set<string>();
  for (const block of blocks) {
    const b = block as { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text?: unknown; action_id?: string; value?: string }[]; accessory?: { action_id?: string; value?: string; text: { text: string } } };
    if (b.type === 'header') expect(b.text?.text.length).toBeLessThanOrEqual(blockLimits.header);
    if (b.type === 'section') {
      expect(b.text || b.fields).toBeTruthy();
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(blockLimits.sectionText);
      expect(b.fields?.length ?? 0).toBeLessThanOrEqual(blockLimits.fields);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(blockLimits.field);
    }
    if (b.type === 'context') expect(b.elements?.length).toBeLessThanOrEqual(blockLimits.contextElements);
    const buttons = [...(b.type === 'actions' ? (b.elements ?? []) : []), ...(b.accessory ? [b.accessory] : [])] as { action_id?: string; value?: string; text: { text: string } }[];
    for (const button of buttons) {
      expect(button.text.text.length).toBeLessThanOrEqual(blockLimits.buttonText);
      expect(button.value?.length ?? 0).toBeLessThanOrEqual(blockLimits.buttonValue);
      if (b.type === 'actions') {
        expect(actionIds.has(button.action_id ?? '')).toBe(false);
        actionIds.add(button.action_id ?? '');
      }
    }
  }
}

describe('Block Kit cards', () => {
  it('every run, report, list, help and error card stays within 50 blocks and Slack\'s text limits, whatever the data', () => {
    fc.assert(fc.property(runView, (view) => {
      for (const m of [runMessage(view, 'channel'), runMessage(view, 'viewer'), reportMessage(view), notInChannelMessage(view), duplicateMessage(view, 'https://x.slack.com/archives/C1/p1')]) {
        assertValidBlocks(m.blocks);
        expect(m.text.length).toBeLessThanOrEqual(blockLimits.fallbackText);
      }
      const modal = reportModal(view) as { title: { text: string }; blocks: Block[] };
      assertValidBlocks(modal.blocks, blockLimits.modalBlocks);
      expect(modal.title.text.length).toBeLessThanOrEqual(blockLimits.modalTitle);
    }), { numRuns: 150 });
    fc.assert(fc.property(reply, (r) => assertValidBlocks(replyMessage(r).blocks)), { numRuns: 150 });
  });

  it('text from the database is escaped, so a tenant name cannot mention @channel or forge a link', () => {
    const view = fc.sample(runView, 1)[0] as RunView;
    const evil = { ...view, tenant: { ...view.tenant, name: '<!channel> & <https://evil.example|click>' }, failures: [] };
    const json = JSON.stringify(runMessage(evil, 'channel'));
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
  });

  it('a channel card offers buttons by run state (the server re-checks every click); a viewer card by the viewer\'s role', () => {
    const base = fc.sample(runView, 1)[0] as RunView;
    const active = { ...base, type: 'inventory.sync', status: 'running' as const, active: true, viewerRole: null, actions: { refresh: true, cancel: false, startVerification: false } };
    const ids = (blocks: Block[]) => JSON.stringify(blocks).match(/"action_id":"opshub_\w+/g)?.map((m) => m.slice(13)) ?? [];
    expect(ids(runMessage(active, 'channel').blocks)).toEqual(['opshub_refresh', 'opshub_cancel_run']);
    expect(ids(runMessage(active, 'viewer').blocks)).toEqual(['opshub_refresh']);
    const done = { ...base, type: 'provider_connection.verify', status: 'failed' as const, active: false, actions: { refresh: true, cancel: false, startVerification: false } };
    expect(ids(runMessage(done, 'channel').blocks)).toEqual(['opshub_refresh', 'opshub_open_report', 'opshub_start_verification']);
    expect(ids(runMessage(done, 'viewer').blocks)).toEqual(['opshub_refresh', 'opshub_open_report']);
  });
});

describe('verification report', () => {
  it('a verify run\'s report shows every check with its reason code and remediation, readiness per feature, within the limits', () => {
    const view = { ...(fc.sample(runView, 1)[0] as RunView), type: 'provider_connection.verify', status: 'partially_succeeded' as const, active: false, result: report };
    const blocks = reportMessage(view).blocks;
    assertValidBlocks(blocks);
    const json = JSON.stringify(blocks);
    for (const expected of ['Client secret', 'Permissions', 'provider_permission_denied', 'Grant DeviceManagementConfiguration.ReadWrite.All', 'Degraded', 'restore', 'Contoso &lt;Ltd&gt;', 'Restore needs ReadWrite']) expect(json).toContain(expected);
    assertValidBlocks((reportModal(view) as { blocks: Block[] }).blocks, blockLimits.modalBlocks);
  });

  it('a result that is not a verification report falls back to the summary and failures', () => {
    const view = { ...(fc.sample(runView, 1)[0] as RunView), type: 'provider_connection.verify', result: { version: 99 }, failures: [{ reasonCode: 'provider_consent_missing', message: 'x', blocking: true, remediation: 'Grant consent.' }] };
    expect(JSON.stringify(reportMessage(view).blocks)).toContain('provider_consent_missing');
  });
});
