import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { TestDatabase } from '../helpers/database.ts';
import { useTestDatabaseAndBoss } from '../helpers/fixtures.ts';
import { reasonCodes, type ReasonCode } from '../../services/reason-codes.ts';
import { runFailures } from '../../services/runs/run-types.ts';
import { outcomeStatuses, type CheckId, type VerificationOutcome } from '../../services/microsoft/report.ts';
import type { MicrosoftSimState } from '../../sim/microsoft/server.ts';
import { check, healthyFixture, healthyRoles, startBed, type BedOptions, type Fixture } from './bed.ts';

let t: TestDatabase;
let boss: PgBoss;

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

interface Row {
  signal: string;
  /** Changes the scenario before the simulator starts; may return bed options. */
  arrange?: (fixture: Fixture) => BedOptions | Promise<BedOptions> | void;
  /** Changes the running simulator (faults) before the run starts. */
  inject?: (state: MicrosoftSimState) => void;
  check: CheckId;
  status?: 'fail' | 'warn';
  code: ReasonCode;
  outcome: VerificationOutcome;
}

const app = (f: Fixture) => f.scenario.tenants[0]!.apps![0]!;
const entra = (aadsts: number, status = 400) => (s: MicrosoftSimState) => { s.addFault({ path: '/login/*', status, aadsts }); };
const graph = (path: string, status: number, extra: { code?: string; message?: string; scopes?: string[] } = {}) => (s: MicrosoftSimState) => { s.addFault({ path, status, retryAfter: 0, ...extra }); };

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** provider-taxonomy.md, every row that applies to app-only (client credentials) auth. */
const rows: Row[] = [
  { signal: 'AADSTS7000215 (invalid secret: its ID pasted instead of its value)', arrange: () => ({ storedSecret: randomUUID() }), check: 'credential', code: 'provider_credential_invalid', outcome: 'blocked' },
  { signal: 'AADSTS7000222 (expired secret)', arrange: (f) => { app(f).secrets = [{ value: f.secret, expiresAt: '2025-01-01T00:00:00Z' }]; }, check: 'credential', code: 'provider_credential_expired', outcome: 'blocked' },
  { signal: 'AADSTS7000218 (no secret sent)', inject: entra(7000218, 401), check: 'credential', code: 'provider_credential_missing', outcome: 'blocked' },
  { signal: 'no secret stored (nothing is sent)', arrange: () => ({ storedSecret: null }), check: 'credential', code: 'provider_credential_missing', outcome: 'blocked' },
  { signal: 'AADSTS700027 (certificate assertion invalid)', inject: entra(700027, 401), check: 'credential', code: 'provider_credential_invalid', outcome: 'blocked' },
  { signal: 'AADSTS700016 (app not found in the tenant)', arrange: () => ({ connection: { clientId: randomUUID() } }), check: 'credential', code: 'provider_app_not_found', outcome: 'blocked' },
  { signal: 'AADSTS7000229 (no service principal: never consented)', arrange: (f) => { app(f).consent = 'no_service_principal'; }, check: 'credential', code: 'provider_consent_missing', outcome: 'blocked' },
  { signal: 'AADSTS65001 (consent missing)', inject: entra(65001), check: 'credential', code: 'provider_consent_missing', outcome: 'blocked' },
  { signal: 'AADSTS90094 (admin consent missing)', inject: entra(90094), check: 'credential', code: 'provider_consent_missing', outcome: 'blocked' },
  { signal: 'AADSTS90002 (tenant not found)', arrange: () => ({ connection: { entraTenantId: randomUUID() } }), check: 'credential', code: 'provider_tenant_not_found', outcome: 'blocked' },
  { signal: 'AADSTS900023 (tenant identifier malformed)', inject: entra(900023), check: 'credential', code: 'provider_tenant_invalid', outcome: 'blocked' },
  { signal: 'AADSTS7000112 (application disabled)', arrange: (f) => { app(f).enabled = false; }, check: 'credential', code: 'provider_app_disabled', outcome: 'blocked' },
  { signal: 'AADSTS70001 (application disabled, older code)', inject: entra(70001), check: 'credential', code: 'provider_app_disabled', outcome: 'blocked' },
  { signal: 'AADSTS53003 (blocked by Conditional Access)', arrange: (f) => { app(f).blockedByPolicy = true; }, check: 'credential', code: 'provider_blocked_by_policy', outcome: 'blocked' },
  { signal: 'AADSTS90055 (throttled, 429)', inject: (s) => { s.addFault({ path: '/login/*', status: 429, aadsts: 90055, retryAfter: 0 }); }, check: 'credential', code: 'provider_throttled', outcome: 'inconclusive' },
  { signal: 'AADSTS50196 (request loop)', inject: entra(50196), check: 'credential', code: 'provider_throttled', outcome: 'inconclusive' },
  { signal: 'AADSTS90033 (service unavailable, 503)', inject: (s) => { s.addFault({ path: '/login/*', status: 503, aadsts: 90033, retryAfter: 0 }); }, check: 'credential', code: 'provider_unavailable', outcome: 'inconclusive' },
  { signal: 'AADSTS90006 (directory unavailable)', inject: entra(90006, 500), check: 'credential', code: 'provider_unavailable', outcome: 'inconclusive' },
  { signal: 'AADSTS90090 (service unavailable)', inject: entra(90090, 500), check: 'credential', code: 'provider_unavailable', outcome: 'inconclusive' },
  { signal: 'token without a roles claim', arrange: (f) => { app(f).consent = 'none'; }, check: 'admin_consent', code: 'provider_consent_missing', outcome: 'blocked' },
  { signal: 'Graph 401 "Either scp or roles claim need to be present"', inject: graph('/graph/*', 401, { message: 'Either scp or roles claim need to be present in the token.' }), check: 'graph_reachability', code: 'provider_consent_missing', outcome: 'blocked' },
  { signal: 'Graph 403 Authorization_RequestDenied (groups)', inject: graph('/graph/v1.0/groups', 403), check: 'permissions', code: 'provider_permission_denied', outcome: 'degraded' },
  {
    signal: 'Intune 403 Forbidden with the nested scope list', check: 'permissions', code: 'provider_permission_denied', outcome: 'degraded',
    inject: graph('/graph/beta/deviceManagement/windowsAutopilotDeploymentProfiles', 403, { code: 'Forbidden', scopes: ['DeviceManagementServiceConfiguration.Read.All', 'DeviceManagementServiceConfig.Read.All'] }),
  },
  { signal: 'Intune "Request not applicable to target tenant" (no license)', arrange: (f) => { f.scenario.tenants[0]!.intuneLicensed = false; }, check: 'intune', code: 'provider_license_missing', outcome: 'degraded' },
  { signal: 'Graph 401 InvalidAuthenticationToken, also after a fresh token', inject: graph('/graph/*', 401), check: 'graph_reachability', code: 'provider_token_invalid', outcome: 'blocked' },
  { signal: 'Graph 429 persisting', inject: graph('/graph/*', 429), check: 'graph_reachability', code: 'provider_throttled', outcome: 'inconclusive' },
  { signal: 'Graph 503 persisting', inject: graph('/graph/*', 503), check: 'graph_reachability', code: 'provider_unavailable', outcome: 'inconclusive' },
  { signal: 'Graph 504 persisting', inject: graph('/graph/*', 504), check: 'graph_reachability', code: 'provider_unavailable', outcome: 'inconclusive' },
  { signal: 'Graph 404 Request_ResourceNotFound (a referenced object)', inject: graph('/graph/v1.0/servicePrincipals/*/appRoleAssignments', 404), check: 'permissions', status: 'warn', code: 'provider_resource_missing', outcome: 'verified' },
  { signal: 'connection refused (network)', arrange: async () => ({ simulatorUrl: await closedPortUrl() }), check: 'credential', code: 'provider_network_error', outcome: 'inconclusive' },
  { signal: 'anything else from Graph (500)', inject: graph('/graph/*', 500, { code: 'UnknownError', message: 'Something odd.' }), check: 'graph_reachability', code: 'provider_unknown', outcome: 'inconclusive' },
  { signal: 'anything else from Entra (an unmapped AADSTS)', inject: entra(9999999), check: 'credential', code: 'provider_unknown', outcome: 'inconclusive' },
];

describe('provider taxonomy through MSAL and the Graph client: reason code and blocking flag in the stored report', () => {
  it.each(rows)('$signal -> $code ($outcome)', async (row) => {
    const fixture = healthyFixture(healthyRoles);
    const options = (await row.arrange?.(fixture)) ?? {};
    const bed = await startBed(t, boss, fixture, { ...options, connection: { status: 'verified', ...options.connection }, config: { MICROSOFT_MAX_RETRIES: 1 } });
    row.inject?.(bed.sim.state);
    const { run, report, connection } = await bed.verify();

    const stored = check(report, row.check);
    const status = row.status ?? 'fail';
    const blocking = status === 'fail' && reasonCodes[row.code].blocking;
    expect(stored, JSON.stringify(report.checks, null, 1)).toMatchObject({ status, reason_code: row.code, blocking });
    expect(report.outcome).toBe(row.outcome);
    const expected = outcomeStatuses(row.outcome);
    expect(run.status).toBe(expected.run);
    expect(connection.status).toBe(expected.connection ?? 'verified');
    if (status === 'fail') expect(runFailures(run)).toContainEqual(expect.objectContaining({ reason_code: row.code, blocking }));
    if (row.outcome !== 'verified') expect(report.features.some((f) => f.status !== 'ready')).toBe(true);
  });

  it('the table covers every provider reason code a verification can meet', () => {
    const covered = new Set(rows.map((r) => r.code));
    // provider_tenant_mismatch cannot arise from Entra against a GUID authority; verify.ts checks tid anyway.
    const provider = Object.keys(reasonCodes).filter((c) => c.startsWith('provider_') && c !== 'provider_tenant_mismatch');
    expect(provider.filter((c) => !covered.has(c as ReasonCode))).toEqual([]);
  });
});
