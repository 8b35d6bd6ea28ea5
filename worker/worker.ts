import type { Job } from 'pg-boss';
import { operationTypes, queueName } from '../services/operations/registry.ts';
import { ensureQueues } from '../services/runs/queues.ts';
import type { OperationType } from '../services/operations/registry.ts';
import type { OperationHandler } from './handler.ts';
import { handlers as defaultHandlers } from './handlers/index.ts';
import { processJob, type JobDeps } from './process-job.ts';
import { reapLostRuns } from './reaper.ts';
import { startScheduler, type Clock, type SchedulerFaults } from './scheduler.ts';

export interface WorkerOptions extends JobDeps {
  handlers?: Record<OperationType, OperationHandler>;
  /** Jobs fetched per poll per queue; pickup is by LISTEN/NOTIFY, polling is the backstop. */
  batchSize?: number;
  reaperIntervalMs?: number;
  /** The backup scheduler (on by default; every worker runs one, safely). */
  scheduler?: false | { intervalMs?: number; clock?: Clock; faults?: SchedulerFaults };
}

export interface RunningWorker {
  stop(): Promise<void>;
  reapNow(): Promise<string[]>;
}

/** Starts one pg-boss worker per operation queue plus the reaper. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const handlerMap = options.handlers ?? defaultHandlers;
  await ensureQueues(options.boss, options.queueOverrides, { update: true });
  const batchSize = options.batchSize ?? 5;
  for (const type of operationTypes) {
    const handler = handlerMap[type];
    await options.boss.work<{ runId?: string }>(
      queueName(type),
      { batchSize, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 5 },
      async (jobs: Job<{ runId?: string }>[]) => {
        await Promise.all(jobs.map((job) => processJob(options, type, handler, job)));
      },
    );
  }
  const reap = () => reapLostRuns(options);
  const timer = setInterval(() => {
    reap().catch((error: unknown) => options.logger.error({ err: error }, 'reaper failed'));
  }, options.reaperIntervalMs ?? 15_000);
  timer.unref();
  const scheduler = options.scheduler === false ? undefined : startScheduler({ ...options, ...(options.scheduler ?? {}) });
  options.logger.info({ queues: operationTypes.length, batchSize }, 'worker started');
  return {
    reapNow: reap,
    stop: async () => {
      clearInterval(timer);
      scheduler?.stop();
      for (const type of operationTypes) await options.boss.offWork(queueName(type));
    },
  };
}
