import type { Db } from '../db/client.ts';
import type { ProviderConnection, RestoreRun } from '../db/generated/client.ts';
import { AppError } from '../errors.ts';
import { verificationReportSchema } from '../microsoft/report.ts';

/**
 * The plan restore.execute may run: previewed, in this tenant, and younger than the limit.
 * A plan that already has an execute run passes, so startRun's strict identity hands back
 * that run (a second click) instead of an error.
 */
export async function executablePlan(db: Db, tenantId: string, restoreRunId: string, maxAgeMinutes: number, now = new Date()): Promise<RestoreRun> {
  const plan = await db.restoreRun.findFirst({ where: { id: restoreRunId, tenantId } });
  if (!plan) throw new AppError('not_found', 'No such restore plan in this tenant.');
  if (plan.executeRunId) return plan;
  if (plan.status !== 'previewed' || !plan.previewedAt) {
    throw new AppError('invalid_input', `Restore plan ${plan.id.slice(0, 8)} is ${plan.status}, not previewed; run a new preview.`);
  }
  const ageMinutes = (now.getTime() - plan.previewedAt.getTime()) / 60_000;
  if (ageMinutes > maxAgeMinutes) {
    throw new AppError('plan_expired', `This restore plan is ${Math.floor(ageMinutes)} minutes old (plans expire after ${maxAgeMinutes}); preview again.`, {
      detail: { restore_run_id: plan.id, previewed_at: plan.previewedAt.toISOString(), max_age_minutes: maxAgeMinutes },
    });
  }
  return plan;
}

/**
 * The connection's latest verification must say restore is ready (the ReadWrite permissions
 * granted, Intune licensed). Never verified, or a report for another connection, is not ready.
 */
export async function assertRestoreReady(db: Db, connection: ProviderConnection): Promise<void> {
  const notReady = (why: string, detail: Record<string, unknown> = {}) =>
    new AppError('restore_not_ready', `Restore is not ready for this connection: ${why}`, { detail: { provider_connection_id: connection.id, ...detail } });
  if (!connection.lastVerificationRunId) throw notReady('it was never verified. Run `verify` first.');
  const run = await db.operationRun.findFirst({ where: { id: connection.lastVerificationRunId, tenantId: connection.tenantId } });
  const report = verificationReportSchema.safeParse(run?.result);
  if (!report.success || report.data.connection.id !== connection.id) throw notReady('its latest verification has no readable report. Run `verify` again.');
  const restore = report.data.features.find((f) => f.feature === 'restore');
  if (restore?.status !== 'ready') {
    throw notReady(restore?.detail ?? 'the verification report does not cover restore.', {
      last_verification_run_id: run?.id, missing_permissions: restore?.missing_permissions ?? [],
    });
  }
}
