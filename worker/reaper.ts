import type { Db } from '../services/db/client.ts';
import type { Logger } from '../services/logger.ts';
import type { RunNotifier } from '../services/runs/notifier.ts';
import { failure } from '../services/reason-codes.ts';
import { failActiveRun } from './run-state.ts';

/**
 * Fails active runs whose job can no longer run them: the job failed (retries exhausted
 * after its expiry, i.e. the worker died), was cancelled, completed without finishing the
 * run, or is gone. A job still created/retry/active is left alone, so a retry can take
 * the run up again. pg-boss's own expiry bounds how long a dead worker blocks an identity.
 */
export async function reapLostRuns(deps: { db: Db; logger: Logger; notifier: RunNotifier }): Promise<string[]> {
  const lost = await deps.db.$queryRaw<{ id: string; type: string; job_state: string | null }[]>`
    SELECT r.id, r.type, j.state::text AS job_state
    FROM operation_runs r
    LEFT JOIN pgboss.job j ON j.id = r.id AND j.name = 'operation.' || r.type
    WHERE r.status IN ('queued', 'running')
      AND r.updated_at < now() - interval '2 seconds'
      AND (j.id IS NULL OR j.state IN ('failed', 'cancelled', 'completed'))`;
  const reaped: string[] = [];
  for (const row of lost) {
    const code = row.job_state === 'failed' || row.job_state === null ? 'worker_lost' : 'internal_error';
    const message = row.job_state === null
      ? 'The job for this run no longer exists.'
      : `The job for this run ended (${row.job_state}) without finishing it; the worker running it was lost.`;
    if (await failActiveRun(deps.db, row.id, [failure(code, message, { job_state: row.job_state })])) {
      deps.logger.warn({ runId: row.id, type: row.type, job_state: row.job_state }, 'reaped a lost run');
      deps.notifier.runChanged(row.id);
      reaped.push(row.id);
    }
  }
  return reaped;
}
