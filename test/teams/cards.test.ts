import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cardBytes, MAX_CARD_BYTES, type AdaptiveCard } from '../../cards/teams/adaptive-card.ts';
import { renderRunCard } from '../../cards/teams/run-card.ts';
import { renderAlreadyRunningCard, renderErrorCard, renderHelpCard, renderRunsCard, renderStatusCard, renderWhoamiCard } from '../../cards/teams/reply-cards.ts';
import { commandHelp } from '../../services/chat/command.ts';
import { channelNotes } from '../../services/chat/help-notes.ts';
import { checkIds, type VerificationReport } from '../../services/microsoft/report.ts';
import { features } from '../../services/microsoft/contracts/index.ts';
import { adminConsentUrl } from '../../services/microsoft/hosts.ts';
import type { RunView } from '../../services/views/run-view.ts';
import type { RunListItem } from '../../services/chat/replies.ts';

const long = (n: number) => 'x'.repeat(n);
const tenant = { id: randomUUID(), name: 'Contoso', slug: 'contoso' };

function runView(overrides: Partial<RunView> = {}): RunView {
  const id = randomUUID();
  return {
    id, shortId: id.slice(0, 8), type: 'provider_connection.verify', typeLabel: 'Connection verification', status: 'succeeded', statusLabel: 'Succeeded',
    active: false, tenant, target: { kind: 'connection', id: randomUUID(), label: 'App 1234' },
    related: [{ kind: 'connection', id: randomUUID(), shortId: 'c0ffee00', label: 'Connection c0ffee00' }],
    trigger: { source: 'teams', actor: randomUUID() }, createdAt: new Date().toISOString(), startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(),
    summary: {}, failures: [], result: null, viewerRole: 'readonly', actions: { refresh: true, cancel: false, startVerification: false }, ...overrides,
  };
}

function report(overrides: Partial<VerificationReport> = {}): VerificationReport {
  return {
    version: 1, connection: { id: randomUUID(), client_id: randomUUID(), entra_tenant_id: randomUUID() }, checked_at: new Date().toISOString(),
    outcome: 'blocked',
    checks: checkIds.map((id) => ({ id, status: id === 'admin_consent' ? 'fail' : 'pass', reason_code: id === 'admin_consent' ? 'provider_consent_missing' : null, blocking: id === 'admin_consent', detail: `${id} detail`, remediation: id === 'admin_consent' ? 'Grant admin consent.' : null })),
    features: features.map((feature) => ({ feature, status: 'blocked', reason_code: 'provider_consent_missing', missing_permissions: ['DeviceManagementConfiguration.Read.All'], blocked_contracts: [], detail: `${feature} blocked` })),
    granted_permissions: [], permission_source: 'token_only', organization: { id: randomUUID(), display_name: 'Contoso Ltd' },
    graph: { requests: 3, throttled: 0, unavailable: 0, retries: 0, token_retries: 0 }, notes: [],
    admin_consent_url: adminConsentUrl(randomUUID(), randomUUID()), ...overrides,
  };
}

const verbs = (card: AdaptiveCard) => (card.actions ?? []).filter((a) => a.type === 'Action.Execute').map((a) => a.verb);
const text = (card: AdaptiveCard) => JSON.stringify(card);

describe('Teams run card', () => {
  it('queued: Refresh is the main action, progress says queued, refresh.userIds carries who may act', () => {
    const card = renderRunCard(runView({ status: 'queued', statusLabel: 'Queued', active: true, finishedAt: null }), { refreshUserIds: ['29:a', '29:b'] });
    expect(card.version).toBe('1.5');
    expect(verbs(card)).toEqual(['refresh', 'show_runs']);
    expect(card.actions?.[0]).toMatchObject({ verb: 'refresh', style: 'positive' });
    expect(card.refresh).toEqual({ action: expect.objectContaining({ type: 'Action.Execute', verb: 'refresh' }), userIds: ['29:a', '29:b'] });
    expect(text(card)).toContain('Queued: waiting for a worker');
  });

  it('running shows progress from the summary; an operator view has Cancel', () => {
    const card = renderRunCard(runView({
      status: 'running', statusLabel: 'Running', active: true, finishedAt: null, summary: { phase: 'permissions', completed: 3, total: 6 },
      viewerRole: 'operator', actions: { refresh: true, cancel: true, startVerification: false },
    }), { refreshUserIds: [] });
    expect(text(card)).toContain('Running: permissions: 3 of 6.');
    expect(verbs(card)).toEqual(['refresh', 'cancel_run', 'show_runs']);
  });

  it('finished verification: each check with status, reason code, remediation and consent link; readiness per feature; the connection', () => {
    const r = report();
    const card = renderRunCard(runView({ status: 'failed', statusLabel: 'Failed', result: r, viewerRole: 'operator', actions: { refresh: true, cancel: false, startVerification: true } }), { refreshUserIds: [] });
    const t = text(card);
    expect(t).toContain('Blocked: the connection cannot be used');
    expect(t).toContain('**Admin consent**: failed (provider_consent_missing, blocking)');
    expect(t).toContain('Fix: Grant admin consent.');
    expect(t).toContain(r.admin_consent_url);
    expect(t).toContain('Blocked: grant DeviceManagementConfiguration.Read.All');
    expect(t).not.toContain('Failures');
    expect(t).toContain(r.connection.client_id);
    expect(t).toContain('Contoso Ltd');
    expect(verbs(card)).toEqual(['refresh', 'start_verification', 'show_runs']);
    expect(t).not.toContain('${');
  });

  it('a result that is not a verification report (unknown shape) shows the summary only', () => {
    const card = renderRunCard(runView({ result: { version: 99, something: 'else' }, summary: { outcome: 'verified', checks: { pass: 6 } } }), { refreshUserIds: [] });
    expect(text(card)).not.toContain('Verification report');
    expect(text(card)).toContain('6 pass');
  });

  it('stays under 28 KB with the largest content (long texts, many failures and checks, 60 refresh users)', () => {
    const many = report({
      checks: Array.from({ length: 40 }, (_, i) => ({ id: checkIds[i % checkIds.length]!, status: 'fail' as const, reason_code: 'provider_permission_denied' as const, blocking: true, detail: long(2000), remediation: long(2000) })),
      features: features.map((feature) => ({ feature, status: 'blocked' as const, reason_code: 'provider_permission_denied' as const, missing_permissions: Array.from({ length: 30 }, () => long(60)), blocked_contracts: [], detail: long(1000) })),
      notes: Array.from({ length: 20 }, () => long(1000)),
    });
    const big = {
      tenant: { ...tenant, name: long(500) }, target: { kind: 'connection' as const, id: randomUUID(), label: long(500) }, status: 'failed' as const, statusLabel: 'Failed',
      failures: Array.from({ length: 50 }, () => ({ reasonCode: 'provider_permission_denied', message: long(3000), blocking: true, remediation: long(3000) })),
      summary: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key_${i}`, long(500)])),
    };
    const userIds = Array.from({ length: 200 }, () => `29:${randomUUID()}`);
    const verification = renderRunCard(runView({ ...big, result: many }), { refreshUserIds: userIds });
    const sync = renderRunCard(runView({ ...big, type: 'inventory.sync', typeLabel: 'Inventory sync' }), { refreshUserIds: userIds });
    for (const card of [verification, sync]) {
      expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
      expect(card.refresh?.userIds).toHaveLength(60);
    }
    expect(text(verification)).toContain('+28 more checks');
    expect(text(sync)).toContain('+42 more failures');
  });
});

describe('Teams reply cards', () => {
  const item = (): RunListItem => ({ id: randomUUID(), shortId: 'abcd1234', type: 'inventory.sync', typeLabel: 'Inventory sync', status: 'failed', statusLabel: 'Failed', createdAt: new Date().toISOString(), reasonCodes: ['provider_throttled'] });

  it('every kind renders as Adaptive Card 1.5 under 28 KB with no unbound template field', () => {
    const cards = [
      renderRunsCard({ kind: 'runs', tenant, runs: Array.from({ length: 10 }, item), viewerRole: 'readonly' }),
      renderStatusCard({ kind: 'status', tenant, connection: { id: randomUUID(), shortId: 'c0ffee00', clientId: randomUUID(), status: 'verified', lastVerifiedAt: null, lastVerificationRunId: null }, activeRuns: [item()], viewerRole: 'operator' }),
      renderStatusCard({ kind: 'status', tenant, connection: null, activeRuns: [], viewerRole: 'operator' }),
      renderHelpCard({ kind: 'help', problem: 'Unknown command "x".', commands: commandHelp, notes: channelNotes }, 'x'),
      renderHelpCard({ kind: 'help', commands: commandHelp, notes: channelNotes }),
      renderWhoamiCard({ kind: 'whoami', tenant, member: { id: randomUUID(), role: 'owner', platform: 'teams', userId: randomUUID(), teamId: '', displayName: 'Ada' } }),
      renderErrorCard({ kind: 'error', reasonCode: 'not_authorized', message: 'Your role (readonly) cannot run start.', remediation: 'Ask an owner.', denied: true }),
      renderAlreadyRunningCard(runView({ status: 'running', statusLabel: 'Running', active: true })),
    ];
    for (const card of cards) {
      expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
      expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
      expect(text(card)).not.toContain('${');
    }
    expect(text(cards[0]!)).toContain('abcd1234');
    expect(text(cards[6]!)).toContain('Not allowed');
  });

  it('the setup card shows the exact ids and the CLI lines an owner runs', () => {
    const card = renderErrorCard({
      kind: 'error', reasonCode: 'member_unknown', message: 'You are not a member.', remediation: 'Ask an owner.', denied: false,
      setup: { user_id: 'aad-1', channel_id: '19:chan', member_add: 'operate-hub member add --tenant <T> --platform teams --user aad-1 --role <owner|manager|operator|readonly>', channel_bind: 'operate-hub channel bind --tenant <T> --platform teams --channel 19:chan' },
    });
    const t = text(card);
    for (const fragment of ['aad-1', '19:chan', 'operate-hub member add', 'operate-hub channel bind', 'Monospace']) expect(t).toContain(fragment);
  });
});
