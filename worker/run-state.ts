import type { Db } from '../services/db/client.ts';
import type { OperationRun } from '../services/runs/run-types.ts';
import type { RunFailure } from '../services/reason-codes.ts';
import type { HandlerOutcome } from './handler.ts';
import { settleRestoreOfEndedRun } from '../services/restores/settle.ts';

/**
 * Takes the run for this delivery: queued, or running under an older attempt (a retry
 * after the previous delivery died). A duplicate delivery of the same attempt gets null.
 */
export async function claimRun(db: Db, runId: string, attempt: number): Promise<OperationRun | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE operation_runs SET status = 'running', attempt = ${attempt}, started_at = COALESCE(started_at, now()), updated_at = now()
    WHERE id = ${runId}::uuid AND (status = 'queued' OR (status = 'running' AND attempt < ${attempt}))
    RETURNING id`;
  if (rows.length === 0) return null;
  return db.operationRun.findUnique({ where: { id: runId } });
}

/**
 * Writes the final state in one transaction, only while the run is still running under
 * this attempt: a late handler cannot overwrite what a cancel or the reaper decided.
 */
export async function finishRun(db: Db, runId: string, attempt: number, outcome: HandlerOutcome): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const summary = outcome.summary ? JSON.stringify(outcome.summary) : null;
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE operation_runs SET status = ${outcome.status}::run_status, finished_at = now(), updated_at = now(),
        summary = CASE WHEN ${summary}::jsonb IS NULL THEN summary ELSE summary || ${summary}::jsonb END,
        failures = ${JSON.stringify(outcome.failures ?? [])}::jsonb,
        result = ${outcome.result === undefined ? null : JSON.stringify(outcome.result)}::jsonb
      WHERE id = ${runId}::uuid AND status = 'running' AND attempt = ${attempt}
      RETURNING id`;
    if (rows.length === 0) return false;
    await outcome.commit?.(tx);
    // An outcome the handler did not write itself (a timeout) leaves no plan half-way.
    await settleRestoreOfEndedRun(tx, runId);
    return true;
  });
}

/** Fails an active run from outside its handler (reaper, missing job); no attempt check. */
export async function failActiveRun(db: Db, runId: string, failures: RunFailure[]): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const count = await tx.$executeRaw`
      UPDATE operation_runs SET status = 'failed', finished_at = now(), updated_at = now(), failures = ${JSON.stringify(failures)}::jsonb
      WHERE id = ${runId}::uuid AND status IN ('queued', 'running')`;
    if (count === 1) await settleRestoreOfEndedRun(tx, runId);
    return count === 1;
  });
}

export async function writeProgress(db: Db, runId: string, attempt: number, summary: Record<string, unknown>): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE operation_runs SET summary = summary || ${JSON.stringify(summary)}::jsonb, updated_at = now()
    WHERE id = ${runId}::uuid AND status = 'running' AND attempt = ${attempt}`;
  return count === 1;
}
