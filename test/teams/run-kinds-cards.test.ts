import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardBytes, MAX_CARD_BYTES, type AdaptiveCard } from '../../cards/teams/adaptive-card.ts';
import { renderRunCard } from '../../cards/teams/run-card.ts';
import type { RestoreExecuteView, RestorePreviewView } from '../../services/restores/views.ts';
import type { RunView } from '../../services/views/run-view.ts';
import { actionActivity, seedTeamsTenant, seedTeamsUser, startTeamsHarness, type TeamsHarness } from './harness.ts';

const tenant = { id: randomUUID(), name: 'Contoso', slug: 'contoso' };
const long = (n: number) => 'x'.repeat(n);

function runView(overrides: Partial<RunView> = {}): RunView {
  const id = randomUUID();
  return {
    id, shortId: id.slice(0, 8), type: 'restore.preview', typeLabel: 'Restore preview', status: 'succeeded', statusLabel: 'Succeeded',
    active: false, tenant, target: null, related: [], trigger: { source: 'teams', actor: randomUUID() },
    createdAt: new Date().toISOString(), startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(),
    summary: {}, failures: [], result: null, viewerRole: 'readonly', actions: { refresh: true, cancel: false, startVerification: false }, ...overrides,
  };
}

function preview(overrides: Partial<RestorePreviewView> = {}, attentionCount = 2): RestorePreviewView {
  const restoreRunId = randomUUID();
  const attention = Array.from({ length: attentionCount }, (_, i) => ({
    class: i % 2 === 0 ? 'conflict' as const : 'ambiguous' as const, family: 'device_configurations', display_name: `Policy ${i} ${long(200)}`, odata_type: '#microsoft.graph.windows10GeneralConfiguration',
    reason_key: i % 2 === 0 ? 'type_collision' : 'duplicate_in_tenant', reason: i % 2 === 0 ? `A policy of another type has this name ${long(400)}` : 'Two policies in the tenant have this name',
    candidates: Array.from({ length: 5 }, (_, j) => ({ graph_id: randomUUID(), display_name: `Existing ${j} ${long(120)}`, odata_type: null })),
  }));
  return {
    kind: 'restore_preview', version: 1, restore_run_id: restoreRunId, backup_set_id: randomUUID(), families: ['device_configurations', 'compliance_policies'],
    inventory: { run_id: randomUUID(), synced_at: '2026-11-27T07:00:00.000Z' }, previewed_at: '2026-11-27T07:10:00.000Z', expires_at: '2026-11-27T08:10:00.000Z',
    counts: { create: 4, update: 3, unchanged: 7, conflict: 11, ambiguous: 13, skipped: 2 },
    attention, attention_total: attention.length,
    warnings: [{ family: 'compliance_policies', display_name: 'Baseline', message: 'Assignment group Finance no longer exists; dropped.' }], warnings_total: 1,
    executable: true, execute_action: { verb: 'restore_execute', restoreRunId }, ...overrides,
  };
}

const verbs = (card: AdaptiveCard) => (card.actions ?? []).filter((a) => a.type === 'Action.Execute').map((a) => a.verb);
const text = (card: AdaptiveCard) => JSON.stringify(card);
const render = (view: RunView) => renderRunCard(view, { refreshUserIds: [] });

describe('Teams run card: restore preview', () => {
  it('shows counts per class, conflicts and ambiguous items with reasons, warnings', () => {
    const card = render(runView({ result: preview() }));
    const t = text(card);
    expect(t).toContain('Restore plan');
    for (const [title, value] of [['Create', '4'], ['Update', '3'], ['Unchanged', '7'], ['Conflict', '11'], ['Ambiguous', '13'], ['Skipped', '2']]) {
      expect(t).toContain(`{"title":"${title}","value":"${value}"}`);
    }
    expect(t).toContain('**Conflict**: Policy 0');
    expect(t).toContain('A policy of another type has this name');
    expect(t).toContain('**Ambiguous**: Policy 1');
    expect(t).toContain('Two policies in the tenant have this name Existing: Existing 0');
    expect(t).toContain('Assignment group Finance no longer exists');
    expect(t).not.toContain('${');
  });

  it.each([['manager'], ['owner']] as const)('a %s view of an executable preview has the Restore button with the plan id', (role) => {
    const result = preview();
    const card = render(runView({ result, viewerRole: role }));
    expect(verbs(card)).toContain('restore_execute');
    const button = card.actions?.find((a) => a.verb === 'restore_execute');
    expect(button).toMatchObject({ type: 'Action.Execute', title: 'Restore', data: { restoreRunId: result.restore_run_id } });
  });

  it.each([['readonly'], ['operator'], [null]] as const)('a %s view has no Restore button', (role) => {
    const card = render(runView({ result: preview(), viewerRole: role }));
    expect(verbs(card)).not.toContain('restore_execute');
  });

  it('a non-executable preview has no Restore button, even for a manager', () => {
    const card = render(runView({ result: preview({ executable: false, execute_action: null, counts: { create: 0, update: 0, unchanged: 5, conflict: 1, ambiguous: 0, skipped: 0 } }), viewerRole: 'manager' }));
    expect(verbs(card)).not.toContain('restore_execute');
    expect(text(card)).toContain('nothing to restore');
  });

  it('50 attention items with long names and reasons: the list is capped, says "and N more", card < 28 KB', () => {
    const card = render(runView({ result: preview({}, 50), viewerRole: 'manager' }));
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    expect(text(card)).toMatch(/and \d+ more conflicts or ambiguous items/);
    expect(verbs(card)).toContain('restore_execute');
  });

  it('an unknown result shape shows nothing extra and never throws', () => {
    for (const result of [null, 'x', { kind: 'restore_preview', version: 2 }, { ...preview(), counts: 'lots' }]) {
      const card = render(runView({ result, viewerRole: 'owner' }));
      expect(text(card)).not.toContain('Restore plan');
      expect(verbs(card)).not.toContain('restore_execute');
    }
  });
});

describe('Teams run card: restore execute', () => {
  function executed(attentionCount: number): RestoreExecuteView {
    const attention = Array.from({ length: attentionCount }, (_, i) => ({
      outcome: i % 2 === 0 ? 'failed' as const : 'not_attempted' as const, family: 'device_configurations', display_name: `Policy ${i} ${long(200)}`,
      odata_type: null, reason: `Graph refused the write ${long(400)}`, reason_code: i % 2 === 0 ? 'provider_permission_denied' : 'restore_stopped',
    }));
    return {
      kind: 'restore_execute', version: 1, restore_run_id: randomUUID(), backup_set_id: randomUUID(), executed_at: '2026-11-27T07:20:00.000Z',
      counts: { created: 5, updated: 6, unchanged: 7, conflict: 1, ambiguous: 0, skipped: 2, failed: 3, not_attempted: 4 },
      attention, attention_total: attention.length, warnings: [], warnings_total: 0,
    };
  }

  it('shows outcome counts and the failed items with reason codes', () => {
    const t = text(render(runView({ type: 'restore.execute', typeLabel: 'Restore', status: 'partially_succeeded', statusLabel: 'Partially succeeded', result: executed(2) })));
    for (const [title, value] of [['Created', '5'], ['Updated', '6'], ['Failed', '3'], ['Not attempted', '4']]) {
      expect(t).toContain(`{"title":"${title}","value":"${value}"}`);
    }
    expect(t).toContain('**Failed**: Policy 0');
    expect(t).toContain('provider_permission_denied: Graph refused the write');
    expect(t).not.toContain('restore_execute');
  });

  it('50 attention items stay under 28 KB with "and N more"', () => {
    const card = render(runView({ type: 'restore.execute', result: executed(50) }));
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    expect(text(card)).toMatch(/and \d+ more items/);
  });

  it('while running shows done of total', () => {
    const t = text(render(runView({ type: 'restore.execute', status: 'running', statusLabel: 'Running', active: true, finishedAt: null, summary: { restore_run_id: randomUUID(), done: 3, total: 9 } })));
    expect(t).toContain('Running: 3 of 9.');
  });
});

describe('Teams run card: syncs and backups', () => {
  it('inventory.sync shows per-family counts and failed families', () => {
    const t = text(render(runView({
      type: 'inventory.sync', typeLabel: 'Inventory sync', status: 'partially_succeeded', statusLabel: 'Partially succeeded',
      summary: { families: { device_configurations: 120, compliance_policies: 14 }, families_done: 3, families_total: 3, items: 134, added: 10, updated: 2, removed: 1, failed_families: ['app_protection_policies'] },
    })));
    expect(t).toContain('{"title":"Device configurations","value":"120"}');
    expect(t).toContain('{"title":"Compliance policies","value":"14"}');
    expect(t).toContain('{"title":"Items","value":"134"}');
    expect(t).toContain('{"title":"Added","value":"10"}');
    expect(t).toContain('Failed families: App protection policies');
  });

  it('inventory.sync while running shows the families so far', () => {
    const t = text(render(runView({
      type: 'inventory.sync', status: 'running', statusLabel: 'Running', active: true, finishedAt: null,
      summary: { families: { device_configurations: 50 }, families_done: 1, families_total: 3, items: 50, added: 50, updated: 0, removed: 0, failed_families: [] },
    })));
    expect(t).toContain('{"title":"Device configurations","value":"50"}');
    expect(t).toContain('{"title":"Families done","value":"1"}');
  });

  it('directory_groups.sync shows mode and counts', () => {
    const t = text(render(runView({ type: 'directory_groups.sync', typeLabel: 'Groups sync', summary: { mode: 'incremental', resynced: false, upserted: 12, removed: 3, groups: 840 } })));
    expect(t).toContain('{"title":"Mode","value":"Incremental"}');
    expect(t).toContain('{"title":"Upserted","value":"12"}');
    expect(t).toContain('{"title":"Groups","value":"840"}');
  });

  it('a backup shows items per family and failed families', () => {
    const t = text(render(runView({
      type: 'backup_schedule.run_now', typeLabel: 'Backup (run now)', status: 'partially_succeeded', statusLabel: 'Partially succeeded',
      summary: { items: 42, families: { device_configurations: 40, scripts: 2 }, failed_families: ['compliance_policies'], backup_set_id: randomUUID() },
    })));
    expect(t).toContain('{"title":"Items","value":"42"}');
    expect(t).toContain('{"title":"Scripts","value":"2"}');
    expect(t).toContain('Failed families: Compliance policies');
  });

  it('an unexpected summary falls back to the generic summary facts', () => {
    const t = text(render(runView({ type: 'inventory.sync', summary: { families: 'many', items: 3 } })));
    expect(t).not.toContain('Items per family');
    expect(t).toContain('{"title":"Items","value":"3"}');
  });
});

describe('Action.Execute restore_execute over HTTP', () => {
  let h: TeamsHarness;
  beforeAll(async () => {
    h = await startTeamsHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it.each([['readonly'], ['operator']] as const)('a %s member is refused: audited, no run started', async (role) => {
    const { tenant, channel } = await seedTeamsTenant(h);
    const user = await seedTeamsUser(h, tenant.id, role);
    const response = await h.post(actionActivity(h.sim, user, channel, 'restore_execute', { restoreRunId: randomUUID() }));
    expect(response.status).toBe(200);
    const body = response.body as { type?: string; value?: unknown };
    expect(body.type).toBe('application/vnd.microsoft.activity.message');
    expect(String(body.value)).toMatch(/^Not allowed/);
    expect(await h.t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await h.t.db.auditEvent.count({ where: { tenantId: tenant.id, outcome: 'denied', actor: user.memberId } })).toBe(1);
  });
});
