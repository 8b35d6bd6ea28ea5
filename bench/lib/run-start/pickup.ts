import { randomBytes } from 'node:crypto';
import type { Logger } from '../../../services/logger.ts';
import { parseConfig } from '../../../services/config.ts';
import { operationTypes, queueName, type OperationType } from '../../../services/operations/registry.ts';
import { silentNotifier } from '../../../services/runs/notifier.ts';
import { startWorker } from '../../../worker/worker.ts';
import type { OperationHandler } from '../../../worker/handler.ts';
import { summarize, type Summary } from '../stats.ts';
import { RUN_TYPE, startRunOnce, type ScenarioDeps } from './scenarios.ts';

export interface PickupResult {
  /** startRun called -> handler begins (what a user waits for). */
  endToEnd: Summary;
  /** startRun resolved (committed) -> handler begins (the queue's share). */
  afterCommit: Summary;
}

/** Resolves when the handler for one run id begins, whichever side arrives first. */
function arrivals() {
  const waiting = new Map<string, { promise: Promise<number>; resolve: (at: number) => void }>();
  const entry = (runId: string) => {
    let found = waiting.get(runId);
    if (!found) {
      let resolve: (at: number) => void = () => undefined;
      const promise = new Promise<number>((r) => (resolve = r));
      found = { promise, resolve };
      waiting.set(runId, found);
    }
    return found;
  };
  return {
    arrived: (runId: string) => entry(runId).resolve(performance.now()),
    async when(runId: string, timeoutMs: number): Promise<number> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`handler for run ${runId} did not begin within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return await Promise.race([entry(runId).promise, timeout]);
      } finally {
        clearTimeout(timer);
        waiting.delete(runId);
      }
    },
  };
}

async function waitUntilFinished(deps: ScenarioDeps, runId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = await deps.db.operationRun.findUnique({ where: { id: runId }, select: { status: true } });
    if (run?.status === 'succeeded') return;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish (status ${run?.status ?? 'missing'})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * (d) Job pickup on an idle worker: the production worker (startWorker, LISTEN/NOTIFY queues)
 * with a handler that only records when it begins. Runs start one at a time; after each run
 * finishes the worker is left idle for 100-150 ms (jittered, so samples do not phase-lock
 * with pg-boss's polling backstop) before the next start.
 */
export async function measurePickup(deps: ScenarioDeps, logger: Logger, options: { samples: number; warmup: number }): Promise<PickupResult> {
  // (b) and (c) left thousands of queued jobs: an idle worker must start from an empty queue.
  await deps.boss.deleteQueuedJobs(queueName(RUN_TYPE));
  const seen = arrivals();
  const record: OperationHandler = async ({ run }) => {
    seen.arrived(run.id);
    return { status: 'succeeded' };
  };
  const handlers = Object.fromEntries(operationTypes.map((type) => [type, record])) as Record<OperationType, OperationHandler>;
  const worker = await startWorker({
    db: deps.db, boss: deps.boss, logger, notifier: silentNotifier, metrics: deps.metrics, handlers,
    config: parseConfig({ LOG_LEVEL: 'silent' }),
    keyring: { current: randomBytes(32).toString('base64'), previous: [] },
    reaperIntervalMs: 3_600_000,
  });
  const endToEnd: number[] = [];
  const afterCommit: number[] = [];
  try {
    for (let i = 0; i < options.warmup + options.samples; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 50));
      const called = performance.now();
      const runId = await startRunOnce(deps, { chat: false });
      const committed = performance.now();
      const began = await seen.when(runId, 30_000);
      await waitUntilFinished(deps, runId);
      if (i >= options.warmup) {
        endToEnd.push(began - called);
        afterCommit.push(began - committed);
      }
    }
  } finally {
    await worker.stop();
  }
  return { endToEnd: summarize(endToEnd, 0, 1), afterCommit: summarize(afterCommit, 0, 1) };
}
