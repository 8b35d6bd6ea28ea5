import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import { decodeJwt } from 'jose';
import type { TestDatabase } from '../helpers/database.ts';
import { useTestDatabaseAndBoss } from '../helpers/fixtures.ts';
import { runFailures } from '../../services/runs/run-types.ts';
import { check, feature, healthyFixture, healthyRoles, startBed } from './bed.ts';

let t: TestDatabase;
let boss: PgBoss;

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

describe('provider_connection.verify through MSAL and the Graph client against the simulator', () => {
  it('a healthy tenant: run succeeded, connection verified, every feature ready, report and status stored together', async () => {
    const bed = await startBed(t, boss, healthyFixture());
    const { run, report, connection } = await bed.verify();
    expect(run.status).toBe('succeeded');
    expect(report.outcome).toBe('verified');
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['credential', 'pass'], ['tenant_match', 'pass'], ['admin_consent', 'pass'], ['graph_reachability', 'pass'], ['permissions', 'pass'], ['intune', 'pass'],
    ]);
    expect(report.features.map((f) => [f.feature, f.status])).toEqual([['verification', 'ready'], ['inventory', 'ready'], ['groups', 'ready'], ['backup', 'ready'], ['restore', 'ready']]);
    expect(report.granted_permissions).toEqual([...healthyRoles].sort());
    expect(report.permission_source).toBe('token_and_assignments');
    expect(runFailures(run)).toEqual([]);
    expect(connection).toMatchObject({ status: 'verified', lastVerificationRunId: run.id });
    expect(connection.lastVerifiedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt!.getTime());
    expect(run.summary).toMatchObject({ outcome: 'verified', checks: { pass: 6, warn: 0, fail: 0, skipped: 0 } });
  });

  it('a token without roles (no admin consent): blocking provider_consent_missing with the admin-consent URL; never verified', async () => {
    const fixture = healthyFixture();
    fixture.scenario.tenants[0]!.apps![0]!.consent = 'none';
    const bed = await startBed(t, boss, fixture);
    const { run, report, connection } = await bed.verify();
    const consent = check(report, 'admin_consent');
    expect(consent).toMatchObject({ status: 'fail', reason_code: 'provider_consent_missing', blocking: true });
    expect(consent.remediation).toContain(`/${fixture.tenantId}/adminconsent?client_id=${fixture.clientId}`);
    expect(report.admin_consent_url).toBe(consent.remediation?.split(' ').pop());
    expect(['graph_reachability', 'permissions', 'intune'].map((id) => check(report, id as 'intune').status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(report.features.every((f) => f.status === 'blocked')).toBe(true);
    expect(run.status).toBe('failed');
    expect(runFailures(run)).toEqual([expect.objectContaining({ reason_code: 'provider_consent_missing', blocking: true })]);
    expect(connection.status).toBe('blocked');
    expect(bed.sim.requestLog.filter((r) => r.path.startsWith('/graph'))).toEqual([]);
  });

  it('one missing Intune permission: provider_permission_denied naming it; backup and restore blocked, verification and groups ready', async () => {
    const bed = await startBed(t, boss, healthyFixture(healthyRoles.filter((r) => r !== 'DeviceManagementServiceConfig.ReadWrite.All')));
    const { run, report, connection } = await bed.verify();
    const permissions = check(report, 'permissions');
    expect(permissions).toMatchObject({ status: 'fail', reason_code: 'provider_permission_denied', blocking: true });
    expect(permissions.detail).toContain('DeviceManagementServiceConfig.Read.All');
    expect(permissions.detail).toContain('DeviceManagementServiceConfig.ReadWrite.All');
    expect(permissions.remediation).toContain('adminconsent');
    expect(feature(report, 'backup')).toMatchObject({ status: 'blocked', reason_code: 'provider_permission_denied', missing_permissions: ['DeviceManagementServiceConfig.Read.All'] });
    expect(feature(report, 'restore')).toMatchObject({ status: 'blocked', missing_permissions: ['DeviceManagementServiceConfig.ReadWrite.All'] });
    expect(feature(report, 'restore').blocked_contracts).toEqual(expect.arrayContaining(['deviceEnrollmentConfigurations.create', 'deviceEnrollmentConfigurations.assign']));
    expect(feature(report, 'verification').status).toBe('ready');
    expect(feature(report, 'groups').status).toBe('ready');
    expect(report.outcome).toBe('degraded');
    expect(run.status).toBe('partially_succeeded');
    expect(connection.status).toBe('degraded');
    // Nothing known to be refused is called: the enrollment collections were not probed.
    expect(bed.sim.requestLog.some((r) => r.path.includes('deviceEnrollmentConfigurations'))).toBe(false);
  });

  it('429 with Retry-After twice, then success: verified, and the report notes the throttling', async () => {
    const bed = await startBed(t, boss, healthyFixture());
    bed.sim.state.addFault({ path: '/graph/v1.0/organization', status: 429, retryAfter: 1, times: 2 });
    const { run, report, connection } = await bed.verify();
    expect(run.status).toBe('succeeded');
    expect(connection.status).toBe('verified');
    expect(report.graph).toMatchObject({ throttled: 2, retries: 2 });
    expect(report.notes.join(' ')).toMatch(/throttled 2 request/);
    expect(bed.sim.requestLog.filter((r) => r.path === '/graph/v1.0/organization').map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('a persistent 429 on a verified connection: the run fails with provider_throttled, the connection stays verified', async () => {
    const bed = await startBed(t, boss, healthyFixture(), { connection: { status: 'verified' } });
    bed.sim.state.addFault({ path: '/graph/*', status: 429, retryAfter: 1 });
    const before = await t.db.providerConnection.findUniqueOrThrow({ where: { id: bed.connection.id } });
    const { run, report, connection } = await bed.verify();
    expect(run.status).toBe('failed');
    expect(report.outcome).toBe('inconclusive');
    expect(check(report, 'graph_reachability')).toMatchObject({ status: 'fail', reason_code: 'provider_throttled', blocking: false });
    expect(report.features.every((f) => f.status === 'unknown')).toBe(true);
    expect(runFailures(run)).toEqual([expect.objectContaining({ reason_code: 'provider_throttled', blocking: false })]);
    expect(connection).toMatchObject({ status: 'verified', lastVerificationRunId: before.lastVerificationRunId, lastVerifiedAt: before.lastVerifiedAt });
    // 1 try + MICROSOFT_MAX_RETRIES (3), then verification stopped calling Graph.
    expect(bed.sim.requestLog.filter((r) => r.path.startsWith('/graph')).length).toBe(4);
  });

  it('granting a permission and re-verifying flips that feature to ready, although the cached token is stale', async () => {
    const fixture = healthyFixture(healthyRoles.filter((r) => r !== 'DeviceManagementApps.ReadWrite.All'));
    const bed = await startBed(t, boss, fixture);
    const first = await bed.verify();
    expect(feature(first.report, 'inventory')).toMatchObject({ status: 'blocked', missing_permissions: ['DeviceManagementApps.Read.All'] });
    const cached = await bed.microsoft.tokens.graphToken(bed.connection, bed.keyring);

    bed.sim.state.grantRoles(fixture.tenantId, fixture.clientId, 'DeviceManagementApps.ReadWrite.All');
    const second = await bed.verify();
    expect(feature(second.report, 'inventory').status).toBe('ready');
    expect(feature(second.report, 'backup').status).toBe('ready');
    expect(second.report.outcome).toBe('verified');
    expect(second.connection.status).toBe('verified');
    // The per-connection cache still hands out the old token: verification must not use it.
    const again = await bed.microsoft.tokens.graphToken(bed.connection, bed.keyring);
    expect(again.accessToken).toBe(cached.accessToken);
    expect(decodeJwt(again.accessToken).roles).not.toContain('DeviceManagementApps.ReadWrite.All');
  });

  it('Graph rejecting the token once (401 InvalidAuthenticationToken): a fresh token is fetched and verification passes', async () => {
    const bed = await startBed(t, boss, healthyFixture());
    bed.sim.state.addFault({ path: '/graph/v1.0/organization', status: 401, times: 1 });
    const { report } = await bed.verify();
    expect(report.outcome).toBe('verified');
    expect(bed.sim.requestLog.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length).toBe(2);
  });

  it('an app that may not read its own service principal: granted permissions come from the token, with a warning, still verified', async () => {
    const bed = await startBed(t, boss, healthyFixture(healthyRoles.filter((r) => r !== 'Application.Read.All')));
    const { report, run } = await bed.verify();
    expect(check(report, 'permissions')).toMatchObject({ status: 'warn', reason_code: 'provider_permission_denied', blocking: false });
    expect(report.permission_source).toBe('token_only');
    expect(report.outcome).toBe('verified');
    expect(run.status).toBe('succeeded');
  });

  it('a grant Entra lists but tokens do not carry yet: that feature stays blocked and the report says so, until it propagates', async () => {
    const fixture = healthyFixture(healthyRoles.filter((r) => r !== 'DeviceManagementApps.ReadWrite.All'));
    fixture.scenario.tenants[0]!.apps![0]!.pendingRoles = ['DeviceManagementApps.ReadWrite.All'];
    const bed = await startBed(t, boss, fixture);
    const first = await bed.verify();
    const permissions = check(first.report, 'permissions');
    expect(permissions).toMatchObject({ status: 'fail', reason_code: 'provider_permission_denied', data: expect.objectContaining({ cross_check: 'differs' }) });
    expect(permissions.detail).toMatch(/Entra already lists DeviceManagementApps.ReadWrite.All .* not in its token yet/);
    expect(feature(first.report, 'inventory').status).toBe('blocked');

    bed.sim.state.propagateRoles(fixture.tenantId, fixture.clientId);
    const second = await bed.verify();
    expect(check(second.report, 'permissions')).toMatchObject({ status: 'pass', data: expect.objectContaining({ cross_check: 'matched' }) });
    expect(second.report.outcome).toBe('verified');
  });

  it('a token endpoint 503 once: retried with a new MSAL client, verified, and the retry noted', async () => {
    const bed = await startBed(t, boss, healthyFixture());
    bed.sim.state.addFault({ path: '/login/*', status: 503, times: 1, retryAfter: 0 });
    const { report } = await bed.verify();
    expect(report.graph.token_retries).toBe(1);
    expect(report.notes.join(' ')).toMatch(/token endpoint was throttled or unavailable 1 time/);
    expect(report.outcome).toBe('verified');
  });
});
