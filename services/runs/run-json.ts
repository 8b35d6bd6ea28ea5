import type { OperationRun } from './run-types.ts';
import { runFailures } from './run-types.ts';

/** The camelCase JSON shape of a run (CLI --json and anything machine-readable). */
export function runJson(run: OperationRun, deduplicated?: boolean) {
  return {
    id: run.id,
    tenantId: run.tenantId,
    type: run.type,
    status: run.status,
    ...(deduplicated === undefined ? {} : { deduplicated }),
    context: run.context,
    summary: run.summary,
    failures: runFailures(run).map((f) => ({ reasonCode: f.reason_code, message: f.message, blocking: f.blocking, ...(f.detail ? { detail: f.detail } : {}) })),
    result: run.result,
    attempt: run.attempt,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}
