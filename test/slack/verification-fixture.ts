import { adminConsentUrl } from '../../services/microsoft/hosts.ts';
import type { VerificationReport } from '../../services/microsoft/report.ts';

/** A degraded verification: permissions fail (blocking), restore blocked, the rest ready. */
export const report: VerificationReport = {
  version: 1,
  connection: { id: '3f2a9c1b-0000-4000-8000-000000000001', client_id: '11111111-2222-3333-4444-555555555555', entra_tenant_id: '66666666-7777-8888-9999-000000000000' },
  checked_at: '2026-11-27T07:00:00.000Z',
  outcome: 'degraded',
  checks: [
    { id: 'credential', status: 'pass', reason_code: null, blocking: false, detail: 'Token acquired.', remediation: null },
    { id: 'tenant_match', status: 'pass', reason_code: null, blocking: false, detail: 'Token issued for the configured tenant.', remediation: null },
    { id: 'admin_consent', status: 'pass', reason_code: null, blocking: false, detail: 'Consent granted.', remediation: null },
    { id: 'graph_reachability', status: 'pass', reason_code: null, blocking: false, detail: 'Graph answered.', remediation: null },
    { id: 'permissions', status: 'fail', reason_code: 'provider_permission_denied', blocking: true, detail: 'DeviceManagementConfiguration.ReadWrite.All is not granted.', remediation: 'Grant DeviceManagementConfiguration.ReadWrite.All and admin consent, then verify again.' },
    { id: 'intune', status: 'skipped', reason_code: null, blocking: false, detail: 'Not run: the permissions check did not pass.', remediation: null },
  ],
  features: [
    { feature: 'verification', status: 'ready', reason_code: null, missing_permissions: [], blocked_contracts: [], detail: '' },
    { feature: 'restore', status: 'blocked', reason_code: 'provider_permission_denied', missing_permissions: ['DeviceManagementConfiguration.ReadWrite.All'], blocked_contracts: ['intune.deviceConfigurations.create'], detail: '' },
  ],
  granted_permissions: ['DeviceManagementConfiguration.Read.All', 'Group.Read.All'],
  permission_source: 'token_and_assignments',
  organization: { id: 'org', display_name: 'Contoso <Ltd>' },
  graph: { requests: 7, throttled: 0, unavailable: 0, retries: 0, token_retries: 0 },
  notes: ['Restore needs ReadWrite permissions.'],
  admin_consent_url: adminConsentUrl('66666666-7777-8888-9999-000000000000', '11111111-2222-3333-4444-555555555555'),
};
