import type { Job, PgBoss } from 'pg-boss';
import type { Db } from '../services/db/client.ts';
import type { Logger } from '../services/logger.ts';
import type { Config } from '../services/config.ts';
import type { SecretKeyring } from '../services/secrets.ts';
import { createMicrosoftServices, type MicrosoftServices } from '../services/microsoft/services.ts';
import type { Metrics } from '../services/metrics.ts';
import type { RunNotifier } from '../services/runs/notifier.ts';
import { AppError, toAppError } from '../services/errors.ts';
import { failure } from '../services/reason-codes.ts';
import type { OperationType } from '../services/operations/registry.ts';
import { queueName } from '../services/operations/registry.ts';
import { queuePolicy, type QueueOverrides } from '../services/runs/queues.ts';
import { RunCancelledError, type HandlerOutcome, type OperationHandler } from './handler.ts';
import { claimRun, finishRun, writeProgress } from './run-state.ts';

export interface JobDeps {
  db: Db;
  boss: PgBoss;
  logger: Logger;
  config: Config;
  keyring: SecretKeyring;
  /** Built from `config` (once per deps object) when the caller passes none. */
  microsoft?: MicrosoftServices;
  notifier: RunNotifier;
  metrics?: Metrics;
  queueOverrides?: QueueOverrides;
}

/** Thrown so pg-boss retries the job with backoff (a transient failure). */
class TransientJobError extends Error {}

/**
 * One delivery of one job: claim the run for this attempt, run the handler under the
 * type's time limit, write the outcome if the run is still ours. Terminal failures are
 * written to the run and complete the job; transient ones throw so pg-boss retries.
 */
export async function processJob(deps: JobDeps, type: OperationType, handler: OperationHandler, job: Job<{ runId?: string }>): Promise<void> {
  const runId = typeof job.data?.runId === 'string' ? job.data.runId : job.id;
  const attempt = job.retryCount + 1;
  const logger = deps.logger.child({ runId, jobId: job.id, type, attempt });
  const run = await claimRun(deps.db, runId, attempt);
  if (!run) {
    const exists = await deps.db.operationRun.findUnique({ where: { id: runId }, select: { status: true, attempt: true } });
    if (!exists) {
      logger.warn({ reason_code: 'run_not_found' }, 'job names a run that does not exist; failing the job');
      await deps.boss.fail(queueName(type), { id: job.id, retryCount: job.retryCount }, { reason_code: 'run_not_found' });
      return;
    }
    logger.info({ status: exists.status, runAttempt: exists.attempt }, 'duplicate or stale delivery; not executing');
    return;
  }
  deps.notifier.runChanged(runId);
  const policy = queuePolicy(type, deps.queueOverrides);
  const timeout = AbortSignal.timeout(policy.timeoutSeconds * 1000);
  const signal = AbortSignal.any([job.signal, timeout]);
  const started = performance.now();
  let outcome: HandlerOutcome;
  try {
    outcome = await raceAbort(signal, handler({
      run, db: deps.db, logger, config: deps.config, keyring: deps.keyring, microsoft: microsoftFor(deps), signal,
      progress: async (summary) => {
        if (await writeProgress(deps.db, runId, attempt, summary)) deps.notifier.runChanged(runId);
      },
      checkCancelled: async () => {
        const current = await deps.db.operationRun.findUnique({ where: { id: runId }, select: { status: true, attempt: true } });
        if (current?.status !== 'running' || current.attempt !== attempt) throw new RunCancelledError(runId);
      },
    }));
  } catch (error) {
    if (error instanceof RunCancelledError) {
      logger.info('run cancelled or taken over; handler stopped');
      return;
    }
    if (timeout.aborted) {
      outcome = { status: 'failed', failures: [failure('operation_timeout', `The operation exceeded its ${policy.timeoutSeconds}s limit.`)] };
    } else {
      const appError = toAppError(error);
      if (appError.retryable && job.retryCount < policy.retryLimit) {
        logger.warn({ err: error, reason_code: appError.code }, 'transient failure; pg-boss will retry');
        throw new TransientJobError(`${appError.code}: ${appError.message}`);
      }
      if (appError.code === 'internal_error') logger.error({ err: error }, 'handler failed');
      outcome = { status: 'failed', failures: [failure(appError.code, appError.userMessage, appError.detail)] };
    }
  }
  const finished = await finishRun(deps.db, runId, attempt, outcome);
  deps.metrics?.jobDuration.observe({ type, status: finished ? outcome.status : 'superseded' }, (performance.now() - started) / 1000);
  if (finished) deps.notifier.runChanged(runId);
  else logger.info('run was cancelled, reaped or taken over meanwhile; outcome dropped');
}

const defaultMicrosoft = new WeakMap<JobDeps, MicrosoftServices>();

/** One MicrosoftServices per worker (its token caches live across jobs), never per job. */
function microsoftFor(deps: JobDeps): MicrosoftServices {
  if (deps.microsoft) return deps.microsoft;
  let built = defaultMicrosoft.get(deps);
  if (!built) {
    built = createMicrosoftServices(deps.config);
    defaultMicrosoft.set(deps, built);
  }
  return built;
}

/** Rejects as soon as the signal aborts, so a stuck handler cannot hold the worker. */
function raceAbort<T>(signal: AbortSignal, promise: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(new AppError('operation_timeout'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AppError('operation_timeout'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
