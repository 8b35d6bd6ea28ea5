import type { ProviderConnection } from '../db/generated/client.ts';
import { runFailures, type OperationRun } from '../runs/run-types.ts';
import { shortId, statusLabels, typeLabels } from '../views/labels.ts';
import type { ConnectionSummary, RunListItem } from './replies.ts';

export function runListItem(run: OperationRun): RunListItem {
  return {
    id: run.id, shortId: shortId(run.id), type: run.type, typeLabel: typeLabels[run.type] ?? run.type,
    status: run.status, statusLabel: statusLabels[run.status] ?? run.status, createdAt: run.createdAt.toISOString(),
    reasonCodes: runFailures(run).map((f) => f.reason_code),
  };
}

export function connectionSummary(c: ProviderConnection): ConnectionSummary {
  return {
    id: c.id, shortId: shortId(c.id), clientId: c.clientId, status: c.status,
    lastVerifiedAt: c.lastVerifiedAt?.toISOString() ?? null, lastVerificationRunId: c.lastVerificationRunId,
  };
}
