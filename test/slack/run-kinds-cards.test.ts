import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockLimits, type Block } from '../../cards/slack/block-kit.ts';
import { reportMessage, runMessage } from '../../cards/slack/reply-blocks.ts';
import type { RestoreExecuteView, RestorePreviewView } from '../../services/restores/views.ts';
import type { RunView } from '../../services/views/run-view.ts';
import type { SlackApiCall } from '../../sim/slack/slack-simulator.ts';
import { waitFor } from '../helpers/fixtures.ts';
import { startSlackHarness, type SlackHarness, type World } from './slack-harness.ts';

const text = (value: unknown) => JSON.stringify(value);
const restoreRunId = randomUUID();

function view(over: Partial<RunView>): RunView {
  const id = randomUUID();
  return {
    id, shortId: id.slice(0, 8), type: 'inventory.sync', typeLabel: 'Run', status: 'succeeded', statusLabel: 'Succeeded', active: false,
    tenant: { id: randomUUID(), name: 'Contoso <Ltd>', slug: 'contoso' }, target: null, related: [], trigger: { source: 'slack', actor: 'U1' },
    createdAt: '2025-01-01T00:00:00.000Z', startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:01:00.000Z',
    summary: {}, failures: [], result: null, viewerRole: null, actions: { refresh: true, cancel: false, startVerification: false },
    ...over,
  };
}

function attention(n: number): RestorePreviewView['attention'] {
  return Array.from({ length: n }, (_, i) => ({
    class: i % 2 === 0 ? 'conflict' as const : 'ambiguous' as const, family: 'deviceConfigurations', display_name: `Policy ${i} ${'x'.repeat(400)}`, odata_type: '#microsoft.graph.windows10GeneralConfiguration',
    reason_key: i % 2 === 0 ? 'type_collision' : 'duplicate_in_tenant', reason: `Reason ${i}: ${'r'.repeat(900)}`,
    candidates: Array.from({ length: 6 }, (_, c) => ({ graph_id: randomUUID(), display_name: `Existing ${i}.${c}`, odata_type: null })),
  }));
}

function preview(over: Partial<RestorePreviewView> = {}): RestorePreviewView {
  return {
    kind: 'restore_preview', version: 1, restore_run_id: restoreRunId, backup_set_id: randomUUID(), families: ['deviceConfigurations', 'compliancePolicies'],
    inventory: { run_id: randomUUID(), synced_at: '2025-01-01T00:00:00.000Z' }, previewed_at: '2025-01-01T00:00:00.000Z', expires_at: '2025-01-01T01:00:00.000Z',
    counts: { create: 3, update: 2, unchanged: 7, conflict: 1, ambiguous: 1, skipped: 4 },
    attention: attention(2), attention_total: 2,
    warnings: [{ family: 'deviceConfigurations', display_name: 'Wi-Fi', message: 'Assignment to a deleted group dropped.' }], warnings_total: 1,
    executable: true, execute_action: { verb: 'restore_execute', restoreRunId },
    ...over,
  };
}

const previewRun = (result: unknown, over: Partial<RunView> = {}) => view({ type: 'restore.preview', typeLabel: 'Restore preview', result, summary: { restore_run_id: restoreRunId, counts: preview().counts, warnings: 1 }, ...over });
const actionIds = (blocks: Block[]) => text(blocks).match(/"action_id":"opshub_\w+/g)?.map((m) => m.slice(13)) ?? [];
const restoreButtonOf = (blocks: Block[]) => blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as Record<string, unknown>[]) : [])).find((e) => e.action_id === 'opshub_restore_execute');

function assertWithinLimits(blocks: Block[]): void {
  expect(blocks.length).toBeLessThanOrEqual(blockLimits.messageBlocks);
  for (const b of blocks as { type: string; text?: { text: string }; fields?: { text: string }[] }[]) {
    if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(blockLimits.sectionText);
    for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(blockLimits.field);
  }
}

describe('restore preview card', () => {
  it('shows the counts per class, the conflicts and ambiguities with reasons, the warnings', () => {
    const json = text(runMessage(previewRun(preview()), 'channel').blocks);
    for (const expected of ['*Create*\\n3', '*Update*\\n2', '*Unchanged*\\n7', '*Conflict*\\n1', '*Ambiguous*\\n1', '*Skipped*\\n4', 'type_collision', 'duplicate_in_tenant', 'Existing 0.0', 'Assignment to a deleted group dropped.', '5 items to restore']) {
      expect(json).toContain(expected);
    }
    // The counts are the result's, not the summary rendered a second time.
    expect(json).not.toContain('Restore run id');
  });

  it('offers Restore with a confirm dialog on an executable preview, and not on a non-executable one', () => {
    const channel = runMessage(previewRun(preview()), 'channel').blocks;
    const button = restoreButtonOf(channel);
    expect(button).toBeDefined();
    expect(JSON.parse(String(button?.value))).toEqual({ verb: 'restore_execute', restoreRunId });
    expect(text(button?.confirm)).toContain('Restore 5 items into Contoso <Ltd>?');

    const none = preview({ executable: false, execute_action: null, counts: { create: 0, update: 0, unchanged: 9, conflict: 0, ambiguous: 0, skipped: 0 } });
    expect(actionIds(runMessage(previewRun(none), 'channel').blocks)).not.toContain('opshub_restore_execute');
    expect(text(runMessage(previewRun(none), 'channel').blocks)).toContain('Nothing to create or update');
  });

  it('a member\'s own view offers Restore to managers only; a failed or unreadable preview offers nothing', () => {
    expect(actionIds(runMessage(previewRun(preview(), { viewerRole: 'manager' }), 'viewer').blocks)).toContain('opshub_restore_execute');
    expect(actionIds(runMessage(previewRun(preview(), { viewerRole: 'operator' }), 'viewer').blocks)).not.toContain('opshub_restore_execute');
    expect(actionIds(runMessage(previewRun(preview(), { status: 'failed' }), 'channel').blocks)).not.toContain('opshub_restore_execute');
    for (const result of [null, { kind: 'restore_preview', version: 2 }, { ...preview(), counts: 'lots' }, 'x']) {
      const blocks = runMessage(previewRun(result, { summary: { restore_run_id: restoreRunId } }), 'channel').blocks;
      expect(actionIds(blocks)).toEqual(['opshub_refresh', 'opshub_open_report']);
    }
  });

  it('stays within 50 blocks and Slack\'s text limits with 50 attention items and 50 warnings, saying how many more', () => {
    const big = preview({
      attention: attention(50), attention_total: 73,
      warnings: Array.from({ length: 50 }, (_, i) => ({ family: 'f', display_name: null, message: `warning ${i} ${'w'.repeat(1000)}` })), warnings_total: 50,
    });
    const failures = Array.from({ length: 30 }, () => ({ reasonCode: 'x', message: 'm'.repeat(2000), blocking: false, remediation: 'r'.repeat(900) }));
    for (const m of [runMessage(previewRun(big, { failures }), 'channel'), reportMessage(previewRun(big, { failures }))]) {
      assertWithinLimits(m.blocks);
      expect(m.text.length).toBeLessThanOrEqual(blockLimits.fallbackText);
      expect(text(m.blocks)).toContain('and 65 more items');
      expect(text(m.blocks)).toContain('and 45 more warnings');
    }
    expect(restoreButtonOf(runMessage(previewRun(big, { failures }), 'channel').blocks)).toBeDefined();
  });
});

describe('restore execute, backup and groups cards', () => {
  const executed: RestoreExecuteView = {
    kind: 'restore_execute', version: 1, restore_run_id: restoreRunId, backup_set_id: randomUUID(), executed_at: '2025-01-01T00:05:00.000Z',
    counts: { created: 3, updated: 1, unchanged: 6, conflict: 1, ambiguous: 0, skipped: 2, failed: 1, not_attempted: 2 },
    attention: [
      { outcome: 'conflict', family: 'deviceConfigurations', display_name: 'Baseline', odata_type: null, reason: 'A policy of another type has this name.', reason_code: null },
      { outcome: 'failed', family: 'deviceConfigurations', display_name: 'Kiosk', odata_type: null, reason: 'Graph refused the write.', reason_code: 'provider_permission_denied' },
    ],
    attention_total: 4, warnings: [], warnings_total: 0,
  };

  it('a finished restore shows every outcome count and the items needing attention', () => {
    const json = text(runMessage(view({ type: 'restore.execute', typeLabel: 'Restore', status: 'partially_succeeded', result: executed }), 'channel').blocks);
    for (const expected of ['*Created*\\n3', '*Updated*\\n1', '*Failed*\\n1', '*Not attempted*\\n2', '*Conflict*\\n1', 'Restored 4 items', 'A policy of another type has this name.', 'provider_permission_denied']) expect(json).toContain(expected);
    expect(actionIds(runMessage(view({ type: 'restore.execute', result: executed }), 'channel').blocks)).not.toContain('opshub_restore_execute');
  });

  it('a running restore shows its progress', () => {
    const running = view({ type: 'restore.execute', status: 'running', active: true, finishedAt: null, summary: { restore_run_id: restoreRunId, done: 12, total: 40 } });
    expect(text(runMessage(running, 'channel').blocks)).toContain('*12* of *40* items');
  });

  it('backup and groups sync summaries render', () => {
    const backup = text(runMessage(view({ type: 'backup_schedule.run_now', summary: { items: 42, families: { deviceConfigurations: 30, compliancePolicies: 12 }, failed_families: ['scripts'], backup_set_id: randomUUID() } }), 'channel').blocks);
    for (const expected of ['*Items*\\n42', 'deviceConfigurations 30 · compliancePolicies 12', '*Failed families*\\nscripts']) expect(backup).toContain(expected);
    const groups = text(runMessage(view({ type: 'directory_groups.sync', summary: { mode: 'incremental', resynced: false, upserted: 5, removed: 1, groups: 230 } }), 'channel').blocks);
    for (const expected of ['*Mode*\\nincremental', '*Resynced*\\nfalse', '*Upserted*\\n5', '*Removed*\\n1', '*Groups*\\n230']) expect(groups).toContain(expected);
  });
});

describe('restore_execute block action', () => {
  let h: SlackHarness;
  let w: World;
  beforeAll(async () => {
    h = await startSlackHarness();
    w = await h.world(['readonly', 'operator', 'manager']);
  });
  afterAll(async () => {
    await h.close();
  });

  const seen = new Set<SlackApiCall>();
  async function ephemeralTo(userId: string): Promise<SlackApiCall> {
    const call = await waitFor(async () => h.sim.callsTo('chat.postEphemeral').find((c) => c.params.user === userId && !seen.has(c)), { what: 'ephemeral reply' });
    seen.add(call);
    return call;
  }

  it('a signed Restore click by a readonly or operator member is refused as not allowed, audited, and starts no run', async () => {
    for (const role of ['readonly', 'operator'] as const) {
      const res = await h.click(w.members[role], { verb: 'restore_execute', restoreRunId: randomUUID() });
      expect(res.status).toBe(200);
      expect(text((await ephemeralTo(w.members[role].userId)).params.blocks)).toContain('Not allowed');
      expect(await h.t.db.auditEvent.count({ where: { tenantId: w.tenantId, outcome: 'denied', actor: w.members[role].memberId } })).toBeGreaterThan(0);
    }
    expect(await h.t.db.operationRun.count({ where: { tenantId: w.tenantId } })).toBe(0);
  });

  it('a manager\'s click reaches the service, which re-checks the plan: an unknown plan is answered with not_found', async () => {
    await h.click(w.members.manager, { verb: 'restore_execute', restoreRunId: randomUUID() });
    expect(text((await ephemeralTo(w.members.manager.userId)).params.blocks)).toContain('not_found');
    expect(await h.t.db.operationRun.count({ where: { tenantId: w.tenantId } })).toBe(0);
  });
});
