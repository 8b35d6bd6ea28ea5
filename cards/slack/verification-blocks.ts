import { verificationReportSchema, type VerificationCheck, type VerificationReport } from '../../services/microsoft/report.ts';
import { code, context, divider, escapeText, fields, section, slackDate, type Block } from './block-kit.ts';

const outcomeLine: Record<VerificationReport['outcome'], string> = {
  verified: ':white_check_mark: *Verified.* Every check passed and every feature is ready.',
  degraded: ':warning: *Degraded.* The connection works, but some features are blocked.',
  blocked: ':no_entry: *Blocked.* The connection cannot be used until the failures below are fixed.',
  inconclusive: ':grey_question: *Inconclusive.* Microsoft did not answer reliably; the connection\'s status was left unchanged. Verify again later.',
};

const checkTitles: Record<VerificationCheck['id'], string> = {
  credential: 'Client secret',
  tenant_match: 'Tenant',
  admin_consent: 'Admin consent',
  graph_reachability: 'Microsoft Graph reachable',
  permissions: 'Permissions',
  intune: 'Intune',
};

const checkMarks: Record<VerificationCheck['status'], string> = {
  pass: ':white_check_mark:',
  warn: ':warning:',
  fail: ':x:',
  skipped: ':heavy_minus_sign:',
};

/** A verify run's stored report, when it is one (older or foreign results are not). */
export function verificationReport(result: unknown): VerificationReport | null {
  const parsed = verificationReportSchema.safeParse(result);
  return parsed.success ? parsed.data : null;
}

function checkBlock(check: VerificationCheck): Block {
  const reason = check.reason_code ? ` · ${code(check.reason_code)}${check.blocking ? ' (blocking)' : ''}` : '';
  const remediation = check.remediation && check.status !== 'pass' ? `\n*What to do:* ${escapeText(check.remediation)}` : '';
  return section(`${checkMarks[check.status]} *${checkTitles[check.id]}* · ${check.status}${reason}\n${escapeText(check.detail)}${remediation}`);
}

function featureLines(report: VerificationReport): string {
  return report.features.map((f) => {
    const mark = f.status === 'ready' ? ':white_check_mark:' : f.status === 'blocked' ? ':no_entry:' : ':grey_question:';
    const missing = f.missing_permissions.length > 0 ? ` · missing ${f.missing_permissions.map(code).join(', ')}` : '';
    return `${mark} *${escapeText(f.feature)}*: ${f.status}${missing}`;
  }).join('\n');
}

/** The verification report: outcome, connection, each check with reason code and remediation, readiness per feature. */
export function verificationBlocks(report: VerificationReport): Block[] {
  const consent = report.admin_consent_url.startsWith('https://') && report.checks.some((c) => c.id === 'admin_consent' && c.status !== 'pass')
    ? [section(`:key: <${escapeText(report.admin_consent_url)}|Grant admin consent> (a Global Administrator signs in), then verify again.`)]
    : [];
  return [
    section(outcomeLine[report.outcome]),
    fields([
      ['App (client) id', code(report.connection.client_id)],
      ['Entra tenant', code(report.connection.entra_tenant_id)],
      ['Organization', escapeText(report.organization?.display_name ?? '—')],
      ['Checked', slackDate(report.checked_at)],
      ['Granted permissions', report.granted_permissions.length > 0 ? report.granted_permissions.slice(0, 12).map(code).join(', ') + (report.granted_permissions.length > 12 ? ` +${report.granted_permissions.length - 12}` : '') : '_none_'],
      ['Permissions read from', escapeText(report.permission_source.replace(/_/g, ' '))],
    ]),
    divider(),
    ...report.checks.map(checkBlock),
    ...(report.features.length > 0 ? [divider(), section(`*Features*\n${featureLines(report)}`)] : []),
    ...consent,
    ...(report.notes.length > 0 ? [context(report.notes.map(escapeText))] : []),
  ];
}
