import { z } from 'zod/v4';
import { reasonCodes, type ReasonCode, type RunFailure } from '../reason-codes.ts';
import { features } from './contracts/index.ts';

const reasonCodeSchema = z.enum(Object.keys(reasonCodes) as [ReasonCode, ...ReasonCode[]]);

/** In order; a check that cannot run because an earlier one failed is `skipped`. */
export const checkIds = ['credential', 'tenant_match', 'admin_consent', 'graph_reachability', 'permissions', 'intune'] as const;
export type CheckId = (typeof checkIds)[number];

export const verificationCheckSchema = z.object({
  id: z.enum(checkIds),
  status: z.enum(['pass', 'warn', 'fail', 'skipped']),
  reason_code: reasonCodeSchema.nullable(),
  /** A person must fix something before the affected feature(s) work. */
  blocking: z.boolean(),
  detail: z.string(),
  remediation: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).optional(),
});

export const featureReadinessSchema = z.object({
  feature: z.enum(features),
  status: z.enum(['ready', 'blocked', 'unknown']),
  reason_code: reasonCodeSchema.nullable(),
  missing_permissions: z.array(z.string()),
  blocked_contracts: z.array(z.string()),
  detail: z.string(),
});

/**
 * The stored result of a provider_connection.verify run (operation_runs.result); cards render
 * it. Never contains a secret or a token.
 */
export const verificationReportSchema = z.object({
  version: z.literal(1),
  connection: z.object({ id: z.string(), client_id: z.string(), entra_tenant_id: z.string() }),
  checked_at: z.string(),
  /** inconclusive: a transient failure persisted; the connection's status was left unchanged. */
  outcome: z.enum(['verified', 'degraded', 'blocked', 'inconclusive']),
  checks: z.array(verificationCheckSchema),
  features: z.array(featureReadinessSchema),
  /** The token's roles claim: what Entra actually granted, never a local record. */
  granted_permissions: z.array(z.string()),
  permission_source: z.enum(['token_and_assignments', 'token_only', 'none']),
  organization: z.object({ id: z.string(), display_name: z.string().nullable() }).nullable(),
  graph: z.object({ requests: z.number(), throttled: z.number(), unavailable: z.number(), retries: z.number(), token_retries: z.number() }),
  notes: z.array(z.string()),
  admin_consent_url: z.string(),
});

export type VerificationCheck = z.infer<typeof verificationCheckSchema>;
export type VerificationReport = z.infer<typeof verificationReportSchema>;
export type VerificationOutcome = VerificationReport['outcome'];

/** Checks whose blocking failure makes the whole connection unusable. */
const connectionLevel: readonly CheckId[] = ['credential', 'tenant_match', 'admin_consent', 'graph_reachability'];

/** verified only when every check passed or warned and every feature is ready. */
export function decideOutcome(checks: VerificationCheck[], readiness: VerificationReport['features']): VerificationOutcome {
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.some((c) => c.blocking && connectionLevel.includes(c.id))) return 'blocked';
  if (failed.some((c) => !c.blocking)) return 'inconclusive';
  if (failed.length > 0 || readiness.some((f) => f.status !== 'ready') || checks.some((c) => c.status === 'skipped')) return 'degraded';
  return 'verified';
}

/** What the run and the connection become; null = the connection keeps its status. */
export function outcomeStatuses(outcome: VerificationOutcome): { run: 'succeeded' | 'partially_succeeded' | 'failed'; connection: 'verified' | 'degraded' | 'blocked' | null } {
  switch (outcome) {
    case 'verified': return { run: 'succeeded', connection: 'verified' };
    case 'degraded': return { run: 'partially_succeeded', connection: 'degraded' };
    case 'blocked': return { run: 'failed', connection: 'blocked' };
    case 'inconclusive': return { run: 'failed', connection: null };
  }
}

/** Counts for the run's summary (cards show them before opening the report). */
export function verificationSummary(report: VerificationReport): Record<string, unknown> {
  const count = (status: VerificationCheck['status']) => report.checks.filter((c) => c.status === status).length;
  return {
    outcome: report.outcome,
    checks: { pass: count('pass'), warn: count('warn'), fail: count('fail'), skipped: count('skipped') },
    features_ready: report.features.filter((f) => f.status === 'ready').map((f) => f.feature),
    features_blocked: report.features.filter((f) => f.status === 'blocked').map((f) => f.feature),
  };
}

/** The run's failures: one per failed check, with the check's reason code and blocking flag. */
export function verificationFailures(report: VerificationReport): RunFailure[] {
  return report.checks
    .filter((c) => c.status === 'fail' && c.reason_code !== null)
    .map((c) => ({ reason_code: c.reason_code as ReasonCode, message: c.detail, blocking: c.blocking, detail: { check: c.id, ...(c.remediation ? { remediation: c.remediation } : {}) } }));
}
