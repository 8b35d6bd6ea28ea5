import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import { startRun } from '../../services/runs/start-run.ts';
import { cancelRun } from '../../services/runs/cancel-run.ts';
import { AppError } from '../../services/errors.ts';
import { handlers as defaultHandlers } from '../../worker/handlers/index.ts';
import { notImplemented } from '../../worker/handlers/not-implemented.ts';
import { startWorker, type RunningWorker } from '../../worker/worker.ts';
import { processJob } from '../../worker/process-job.ts';
import type { OperationHandler } from '../../worker/handler.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { seedConnection, seedMember, seedTenant, silentLogger, startTestBoss, testConfig, useTestDatabaseAndBoss, waitFor } from '../helpers/fixtures.ts';
import type { RunNotifier } from '../../services/runs/notifier.ts';
import { createMetrics, type Metrics } from '../../services/metrics.ts';

let t: TestDatabase;
let boss: PgBoss;
const keyring = { current: Buffer.alloc(32, 1).toString('base64'), previous: [] };
const changes: string[] = [];
const notifier: RunNotifier = { runChanged: (id) => changes.push(id) };

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
}, { expireInSeconds: 3, timeoutSeconds: 2, retryLimit: 1, retryDelaySeconds: 1 });

/** A worker on its own pg-boss instance, as in a real worker process. */
async function workerWith(overrides: Partial<typeof defaultHandlers>, options?: { timeoutSeconds?: number; retryLimit?: number; metrics?: Metrics }): Promise<RunningWorker> {
  const queueOverrides = { expireInSeconds: 3, timeoutSeconds: options?.timeoutSeconds ?? 2, retryLimit: options?.retryLimit ?? 1, retryDelaySeconds: 1 };
  const own = await startTestBoss(t.url, queueOverrides);
  const worker = await startWorker({
    db: t.db, boss: own, logger: silentLogger, config: testConfig, keyring, notifier, queueOverrides,
    handlers: { ...defaultHandlers, ...overrides }, reaperIntervalMs: 500, ...(options?.metrics ? { metrics: options.metrics } : {}),
  });
  return {
    reapNow: worker.reapNow,
    stop: async () => {
      await worker.stop();
      await own.stop({ graceful: false });
    },
  };
}

async function startSync(type: 'inventory.sync' | 'directory_groups.sync' = 'inventory.sync') {
  const tenant = await seedTenant(t.db);
  await seedConnection(t.db, tenant.id, tenant.entraTenantId);
  const operator = await seedMember(t.db, tenant.id, 'operator');
  const { run } = await startRun({ db: t.db, boss }, { tenantId: tenant.id, type, actor: { kind: 'member', memberId: operator.id }, source: 'cli', deliveryId: randomUUID() });
  return { run, operator, tenant };
}

const finalRun = (id: string) => waitFor(async () => {
  const run = await t.db.operationRun.findUnique({ where: { id } });
  return run && run.status !== 'queued' && run.status !== 'running' ? run : null;
}, { what: `run ${id} to finish` });

describe('worker', () => {
  it('a type whose handler is not built fails its run with operation_not_implemented, never success', async () => {
    const worker = await workerWith({ 'directory_groups.sync': notImplemented });
    try {
      const { run } = await startSync('directory_groups.sync');
      const done = await finalRun(run.id);
      expect(done.status).toBe('failed');
      expect(done.failures).toMatchObject([{ reason_code: 'operation_not_implemented', blocking: false }]);
      expect(changes).toContain(run.id);
    } finally {
      await worker.stop();
    }
  });

  it('a job whose run does not exist fails with run_not_found and creates no row', async () => {
    const worker = await workerWith({});
    try {
      const ghost = randomUUID();
      await boss.send('operation.inventory.sync', { runId: ghost }, { id: ghost });
      const job = await waitFor(async () => {
        const j = await boss.getJobById('operation.inventory.sync', ghost);
        return j?.state === 'failed' ? j : null;
      }, { what: 'the ghost job to fail' });
      expect(job.output).toMatchObject({ reason_code: 'run_not_found' });
      expect(await t.db.operationRun.count({ where: { id: ghost } })).toBe(0);
    } finally {
      await worker.stop();
    }
  });

  it('a duplicate delivery of the same attempt does not execute the handler twice', async () => {
    const { run } = await startSync();
    let calls = 0;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const handler: OperationHandler = async () => {
      calls += 1;
      await held;
      return { status: 'succeeded' };
    };
    const job = { id: run.id, name: 'operation.inventory.sync', data: { runId: run.id }, retryCount: 0, expireInSeconds: 3, heartbeatSeconds: null, signal: new AbortController().signal };
    const deps = { db: t.db, boss, logger: silentLogger, config: testConfig, keyring, notifier };
    const first = processJob(deps, 'inventory.sync', handler, job);
    await waitFor(async () => calls === 1);
    await processJob(deps, 'inventory.sync', handler, job);
    release();
    await first;
    expect(calls).toBe(1);
    expect((await t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('succeeded');
  });

  it('a transient error is retried with backoff and the retry runs the handler again', async () => {
    let calls = 0;
    const worker = await workerWith({
      'inventory.sync': async () => {
        calls += 1;
        if (calls === 1) throw new AppError('provider_throttled');
        return { status: 'succeeded', summary: { items: 3 } };
      },
    });
    try {
      const { run } = await startSync();
      const done = await finalRun(run.id);
      expect(done).toMatchObject({ status: 'succeeded', attempt: 2, summary: { items: 3 } });
      expect(calls).toBe(2);
    } finally {
      await worker.stop();
    }
  });

  it('a non-retryable error fails the run with its reason code at once', async () => {
    let calls = 0;
    const worker = await workerWith({
      'inventory.sync': async () => {
        calls += 1;
        throw new AppError('provider_consent_missing');
      },
    });
    try {
      const { run } = await startSync();
      const done = await finalRun(run.id);
      expect(done.failures).toMatchObject([{ reason_code: 'provider_consent_missing', blocking: true }]);
      expect(calls).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it('a handler exceeding its time limit fails the run with operation_timeout', async () => {
    const worker = await workerWith({ 'inventory.sync': () => new Promise(() => undefined) }, { timeoutSeconds: 1, retryLimit: 0 });
    try {
      const { run } = await startSync();
      const done = await finalRun(run.id);
      expect(done.failures).toMatchObject([{ reason_code: 'operation_timeout' }]);
    } finally {
      await worker.stop();
    }
  });

  it('a cancelled running run is never overwritten by its late handler, which stops at its next check', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let stoppedByCheck = false;
    const worker = await workerWith({
      'inventory.sync': async ({ checkCancelled }) => {
        await held;
        try {
          await checkCancelled();
        } catch (error) {
          stoppedByCheck = true;
          throw error;
        }
        return { status: 'succeeded' };
      },
    }, { timeoutSeconds: 30 });
    try {
      const { run, operator, tenant } = await startSync();
      await waitFor(async () => (await t.db.operationRun.findUnique({ where: { id: run.id } }))?.status === 'running');
      const cancelled = await cancelRun({ db: t.db, boss }, { runId: run.id, tenantId: tenant.id, actor: { kind: 'member', memberId: operator.id } });
      expect(cancelled.status).toBe('cancelled');
      release();
      await waitFor(async () => stoppedByCheck);
      const after = await t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } });
      expect(after.status).toBe('cancelled');
      expect(after.failures).toMatchObject([{ reason_code: 'cancelled_by_user' }]);
    } finally {
      release();
      await worker.stop();
    }
  });

  it('a late handler that ignores cancellation cannot overwrite the cancelled status', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const metrics = createMetrics();
    const worker = await workerWith({
      'inventory.sync': async () => {
        await held;
        return { status: 'succeeded' };
      },
    }, { timeoutSeconds: 30, metrics });
    try {
      const { run, tenant, operator } = await startSync();
      await waitFor(async () => (await t.db.operationRun.findUnique({ where: { id: run.id } }))?.status === 'running');
      await cancelRun({ db: t.db, boss }, { runId: run.id, tenantId: tenant.id, actor: { kind: 'member', memberId: operator.id } });
      release();
      // The worker records a dropped ("superseded") outcome once its conditional finish found the run cancelled.
      await waitFor(async () => (await metrics.jobDuration.get()).values.some((v) => v.labels.status === 'superseded' && v.metricName?.endsWith('_count') && v.value === 1));
      expect((await t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('cancelled');
    } finally {
      release();
      await worker.stop();
    }
  });

  it('a readonly member cannot cancel a run', async () => {
    const { run, tenant } = await startSync();
    const reader = await seedMember(t.db, tenant.id, 'readonly');
    await expect(cancelRun({ db: t.db, boss }, { runId: run.id, tenantId: tenant.id, actor: { kind: 'member', memberId: reader.id } }))
      .rejects.toMatchObject({ code: 'not_authorized' });
    expect((await t.db.operationRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('queued');
  });
});

describe('a worker process killed mid-run', () => {
  async function killMidRun(retryLimit: number) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/worker/fixtures/hanging-worker.ts', t.url, String(retryLimit)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    try {
      await waitFor(async () => output.includes('ready'), { timeoutMs: 20_000, what: 'the child worker' });
      const { run } = await startSync();
      await waitFor(async () => output.includes(`claimed ${run.id}`), { what: 'the child to claim the run' });
      child.kill('SIGKILL');
      return run;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }

  it('without retries left, the run ends failed with worker_lost after the job expires', async () => {
    const run = await killMidRun(0);
    const reaper = await workerWith({}, { retryLimit: 0 });
    try {
      const done = await finalRun(run.id);
      expect(done.status).toBe('failed');
      expect(done.failures).toMatchObject([{ reason_code: 'worker_lost' }]);
    } finally {
      await reaper.stop();
    }
  }, 40_000);

  it('with a retry left, another worker takes the run up again and finishes it', async () => {
    const run = await killMidRun(1);
    const survivor = await workerWith({ 'inventory.sync': async () => ({ status: 'succeeded', summary: { resumed: true } }) }, { retryLimit: 1 });
    try {
      const done = await finalRun(run.id);
      expect(done).toMatchObject({ status: 'succeeded', attempt: 2, summary: { resumed: true } });
    } finally {
      await survivor.stop();
    }
  }, 40_000);
});
