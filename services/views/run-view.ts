import type { Db } from '../db/client.ts';
import type { Tenant } from '../db/generated/client.ts';
import { roleAllows, type Role } from '../auth/roles.ts';
import { isOperationType, operationDefinition } from '../operations/registry.ts';
import { runContext, runFailures, isActive, type OperationRun } from '../runs/run-types.ts';
import type { TargetScope } from '../operations/definition.ts';
import { describeReason, shortId, statusLabels, typeLabels } from './labels.ts';

export interface RelatedLink {
  kind: 'connection' | 'backup_schedule' | 'backup_schedule_run' | 'restore_run' | 'backup_set' | 'run';
  id: string;
  shortId: string;
  label: string;
}

export interface FailureView {
  reasonCode: string;
  originalCode?: string;
  message: string;
  blocking: boolean;
  remediation: string;
}

/** What the viewer may do on this run's card; the server re-checks every click anyway. */
export interface RunActions {
  refresh: boolean;
  cancel: boolean;
  startVerification: boolean;
}

/** A run as every card shows it, built from database rows only (never from Graph). */
export interface RunView {
  id: string;
  shortId: string;
  type: string;
  typeLabel: string;
  status: OperationRun['status'];
  statusLabel: string;
  active: boolean;
  tenant: { id: string; name: string; slug: string };
  target: TargetScope | null;
  related: RelatedLink[];
  trigger: { source: string; actor: string };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  summary: Record<string, unknown>;
  failures: FailureView[];
  /** The run's result JSON (a verification report, sync counts, ...). */
  result: unknown;
  viewerRole: Role | null;
  actions: RunActions;
}

const relatedKeys = [
  ['provider_connection_id', 'connection', 'Connection'],
  ['backup_schedule_id', 'backup_schedule', 'Backup schedule'],
  ['backup_schedule_run_id', 'backup_schedule_run', 'Schedule run'],
  ['backup_set_id', 'backup_set', 'Backup'],
  ['restore_run_id', 'restore_run', 'Restore plan'],
  ['retry_of_run_id', 'run', 'Retry of run'],
] as const;

export function relatedLinks(run: OperationRun): RelatedLink[] {
  const context = runContext(run) as unknown as Record<string, unknown>;
  return relatedKeys.flatMap(([key, kind, label]) => {
    const id = context[key];
    return typeof id === 'string' ? [{ kind, id, shortId: shortId(id), label: `${label} ${shortId(id)}` }] : [];
  });
}

/**
 * Builds the view of one run for one viewer role (null = the least-privileged shared
 * view). Seed rules: Refresh always present (Teams does not auto-refresh in channels),
 * "Start verification" hidden while a verification of that connection is active.
 */
export async function buildRunView(db: Db, run: OperationRun, tenant: Pick<Tenant, 'id' | 'name' | 'slug'>, viewerRole: Role | null): Promise<RunView> {
  const context = runContext(run);
  const definedRole = isOperationType(run.type) ? operationDefinition(run.type).requiredRole : 'manager';
  // System-started runs (schedules) may be cancelled by managers, as cancelRun allows.
  const cancelRole = definedRole === 'system' ? 'manager' : definedRole;
  const canStart = viewerRole !== null && roleAllows(viewerRole, 'operator');
  let startVerification = false;
  if (canStart && run.type === 'provider_connection.verify' && context.provider_connection_id && !isActive(run.status)) {
    const active = await db.operationRun.count({
      where: { tenantId: run.tenantId, type: 'provider_connection.verify', status: { in: ['queued', 'running'] }, context: { path: ['provider_connection_id'], equals: context.provider_connection_id } },
    });
    startVerification = active === 0;
  }
  return {
    id: run.id,
    shortId: shortId(run.id),
    type: run.type,
    typeLabel: typeLabels[run.type] ?? run.type,
    status: run.status,
    statusLabel: statusLabels[run.status] ?? run.status,
    active: isActive(run.status),
    tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug },
    target: context.target_scope ?? null,
    related: relatedLinks(run),
    trigger: { source: context.trigger?.source ?? 'unknown', actor: context.trigger?.platform_user ?? context.trigger?.actor ?? 'unknown' },
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    summary: (run.summary ?? {}) as Record<string, unknown>,
    failures: runFailures(run).map((f) => {
      const info = describeReason(f.reason_code);
      return { reasonCode: info.reasonCode, ...(info.originalCode ? { originalCode: info.originalCode } : {}), message: f.message, blocking: f.blocking, remediation: info.remediation };
    }),
    result: run.result,
    viewerRole,
    actions: {
      refresh: true,
      cancel: isActive(run.status) && viewerRole !== null && roleAllows(viewerRole, cancelRole),
      startVerification,
    },
  };
}
