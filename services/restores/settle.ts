import type { Db, Tx } from '../db/client.ts';

/**
 * A restore plan whose operation run ended without its handler's own finish (reaped after
 * the worker died, timed out, cancelled) would show `previewing` or `executing` forever:
 * mark it failed. Called wherever a run ends; a plan the handler already settled
 * (previewed, executed, failed) is left as it is. Per-item results written so far stay.
 */
export async function settleRestoreOfEndedRun(db: Db | Tx, runId: string): Promise<number> {
  return db.$executeRaw`
    UPDATE restore_runs SET status = 'failed', updated_at = now()
    WHERE (preview_run_id = ${runId}::uuid AND status = 'previewing')
       OR (execute_run_id = ${runId}::uuid AND status = 'executing')`;
}
