import { verificationReportSchema, type VerificationCheck, type VerificationReport } from '../../services/microsoft/report.ts';
import { clip, formatTime, humanize, type Fact, type TextColor } from './format.ts';

/** The verification report as the run card binds it. */
export interface ReportSection {
  headline: string;
  headlineColor: TextColor;
  connection: Fact[];
  features: Fact[];
  checks: { mark: string; title: string; statusLabel: string; codeLabel: string; color: TextColor; detail: string; remediation: string; links: { title: string; url: string }[] }[];
  more: string;
}

export const emptyReport: ReportSection = { headline: '', headlineColor: 'Default', connection: [], features: [], checks: [], more: '' };

const MAX_CHECKS = 12;

const outcomes: Record<VerificationReport['outcome'], { text: string; color: TextColor }> = {
  verified: { text: 'Verified: every check passed and every feature is ready.', color: 'Good' },
  degraded: { text: 'Degraded: the connection works, but some features are not ready.', color: 'Warning' },
  blocked: { text: 'Blocked: the connection cannot be used until the failing checks are fixed.', color: 'Attention' },
  inconclusive: { text: 'Inconclusive: Microsoft was throttling or unavailable; the connection keeps its previous status.', color: 'Warning' },
};

const checkStates: Record<VerificationCheck['status'], { mark: string; label: string; color: TextColor }> = {
  pass: { mark: '✅', label: 'passed', color: 'Default' },
  warn: { mark: '⚠️', label: 'warning', color: 'Warning' },
  fail: { mark: '❌', label: 'failed', color: 'Attention' },
  skipped: { mark: '⏭️', label: 'skipped', color: 'Default' },
};

const checkTitles: Record<VerificationCheck['id'], string> = {
  credential: 'Credential', tenant_match: 'Tenant match', admin_consent: 'Admin consent',
  graph_reachability: 'Graph reachable', permissions: 'Permissions', intune: 'Intune available',
};

const permissionSources: Record<VerificationReport['permission_source'], string> = {
  token_and_assignments: 'token roles, cross-checked with app role assignments',
  token_only: 'token roles only (app role assignments not readable)',
  none: 'none (no token)',
};

function featureValue(feature: VerificationReport['features'][number]): string {
  if (feature.status === 'ready') return 'Ready';
  if (feature.missing_permissions.length > 0) return clip(`${humanize(feature.status)}: grant ${feature.missing_permissions.join(', ')}`, 200);
  return clip(`${humanize(feature.status)}${feature.reason_code ? ` (${feature.reason_code})` : ''}`, 200);
}

function checkLinks(check: VerificationCheck, report: VerificationReport): { title: string; url: string }[] {
  const consent = check.reason_code === 'provider_consent_missing' || check.reason_code === 'provider_permission_denied';
  return consent && check.status === 'fail' && report.admin_consent_url.startsWith('https://') ? [{ title: 'Grant admin consent', url: report.admin_consent_url }] : [];
}

function notes(report: VerificationReport): string {
  const lines = report.notes.slice(0, 3).map((n) => clip(n, 200));
  if (report.graph.throttled > 0) lines.push(`Microsoft throttled ${report.graph.throttled} request(s); ${report.graph.retries} retried.`);
  if (report.checks.length > MAX_CHECKS) lines.push(`+${report.checks.length - MAX_CHECKS} more checks (operate-hub runs show <id> --json).`);
  return lines.join('\n\n');
}

function toSection(report: VerificationReport): ReportSection {
  const outcome = outcomes[report.outcome];
  return {
    headline: outcome.text,
    headlineColor: outcome.color,
    connection: [
      { title: 'App (client) id', value: report.connection.client_id },
      { title: 'Entra tenant', value: report.connection.entra_tenant_id },
      ...(report.organization?.display_name ? [{ title: 'Organization', value: clip(report.organization.display_name, 80) }] : []),
      { title: 'Permissions from', value: permissionSources[report.permission_source] },
      { title: 'Checked', value: formatTime(report.checked_at) },
    ],
    features: report.features.map((f) => ({ title: humanize(f.feature), value: featureValue(f) })),
    checks: report.checks.slice(0, MAX_CHECKS).map((check) => {
      const state = checkStates[check.status];
      return {
        mark: state.mark, title: checkTitles[check.id] ?? humanize(check.id), statusLabel: state.label, color: state.color,
        codeLabel: check.reason_code ? ` (${check.reason_code}${check.blocking ? ', blocking' : ''})` : '',
        detail: clip(check.detail, 280), remediation: check.status === 'pass' ? '' : clip(check.remediation ?? '', 280), links: checkLinks(check, report),
      };
    }),
    more: notes(report),
  };
}

/**
 * The report section of a finished verification's card, from the run's stored result.
 * Rendered defensively: a result that does not parse as the provider's report schema
 * (older or foreign shape) gives null, and the card shows the run's summary only.
 */
export function reportSection(result: unknown): ReportSection | null {
  const parsed = verificationReportSchema.safeParse(result);
  return parsed.success ? toSection(parsed.data) : null;
}
