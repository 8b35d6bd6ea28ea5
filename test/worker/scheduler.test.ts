import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import { tickScheduler } from '../../worker/scheduler.ts';
import { addSchedule, setScheduleEnabled } from '../../services/backups/schedules.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { seedConnection, seedTenant, silentLogger, useTestDatabaseAndBoss } from '../helpers/fixtures.ts';

// No worker consumes here: scheduled runs stay queued, so identities are observable.
let t: TestDatabase;
let boss: PgBoss;
useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
});

const T0 = new Date('2026-11-27T00:10:00Z');
const at = (iso: string) => ({ now: () => new Date(iso) });

async function hourlySchedule(name = 'hourly') {
  const tenant = await seedTenant(t.db);
  await seedConnection(t.db, tenant.id, tenant.entraTenantId);
  return addSchedule(t.db, { tenantId: tenant.id, name, cron: '0 * * * *', timeZone: 'UTC', families: ['deviceConfigurations'] }, T0);
}

async function scheduledRuns(scheduleId: string) {
  const runs = await t.db.operationRun.findMany({ where: { type: 'backup_schedule.scheduled' } });
  return runs.filter((r) => (r.context as { backup_schedule_id?: string }).backup_schedule_id === scheduleId)
    .map((r) => (r.context as { scheduled_for: string }).scheduled_for).sort();
}

/** A scheduler in its own process (fixtures/scheduler-child.ts) that ticks only when told to. */
function schedulerChild(killAt: number) {
  const p = spawn(process.execPath, ['--import', 'tsx', 'test/worker/fixtures/scheduler-child.ts', t.url, '2026-11-27T01:00:01Z', '60', '6', String(killAt)], { stdio: ['pipe', 'pipe', 'ignore'] });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.once('exit', (code, signal) => resolve({ code, signal })));
  let output = '';
  const waiting: { line: string; resolve: () => void }[] = [];
  p.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of [...waiting]) if (output.split('\n').includes(w.line)) { waiting.splice(waiting.indexOf(w), 1); w.resolve(); }
  });
  return {
    exit,
    ready: (tick: number) => new Promise<void>((resolve, reject) => {
      const line = `ready ${tick}`;
      if (output.split('\n').includes(line)) return resolve();
      waiting.push({ line, resolve });
      void exit.then(() => reject(new Error(`scheduler child exited before "${line}"`)));
    }),
    go: () => p.stdin.write('go\n'),
  };
}

describe('backup scheduler', () => {
  it('a due slot starts one scheduled run; ticking again at the same or a later time in that hour starts nothing', async () => {
    const schedule = await hourlySchedule();
    expect(schedule.nextSlotAt?.toISOString()).toBe('2026-11-27T01:00:00.000Z');
    expect((await tickScheduler({ db: t.db, boss, logger: silentLogger, clock: at('2026-11-27T00:59:59Z') })).started).toHaveLength(0);
    const first = await tickScheduler({ db: t.db, boss, logger: silentLogger, clock: at('2026-11-27T01:00:05Z') });
    expect(first.started).toHaveLength(1);
    await tickScheduler({ db: t.db, boss, logger: silentLogger, clock: at('2026-11-27T01:00:05Z') });
    await tickScheduler({ db: t.db, boss, logger: silentLogger, clock: at('2026-11-27T01:30:00Z') });
    expect(await scheduledRuns(schedule.id)).toEqual(['2026-11-27T01:00:00.000Z']);
  });

  it('after an outage the latest missed slot runs once and the older ones are recorded as skipped', async () => {
    const schedule = await hourlySchedule();
    await tickScheduler({ db: t.db, boss, logger: silentLogger, clock: at('2026-11-27T05:20:00Z') });
    await tickScheduler({ db: t.db, boss, logger: silentLogger, clock: at('2026-11-27T05:21:00Z') });
    expect(await scheduledRuns(schedule.id)).toEqual(['2026-11-27T05:00:00.000Z']);
    const skipped = await t.db.backupScheduleRun.findMany({ where: { backupScheduleId: schedule.id, status: 'skipped' }, orderBy: { scheduledFor: 'asc' } });
    expect(skipped.map((s) => s.scheduledFor.toISOString())).toEqual(['01', '02', '03', '04'].map((h) => `2026-11-27T${h}:00:00.000Z`));
    expect(skipped.every((s) => s.operationRunId === null)).toBe(true);
  });

  it('a disabled schedule starts nothing; re-enabling resumes at the next slot without backfilling', async () => {
    const schedule = await hourlySchedule();
    await setScheduleEnabled(t.db, schedule, false);
    await tickScheduler({ db: t.db, boss, logger: silentLogger, clock: at('2026-11-27T03:05:00Z') });
    expect(await scheduledRuns(schedule.id)).toEqual([]);
    await setScheduleEnabled(t.db, schedule, true, new Date('2026-11-27T03:06:00Z'));
    await tickScheduler({ db: t.db, boss, logger: silentLogger, clock: at('2026-11-27T04:00:01Z') });
    expect(await scheduledRuns(schedule.id)).toEqual(['2026-11-27T04:00:00.000Z']);
    expect(await t.db.backupScheduleRun.count({ where: { backupScheduleId: schedule.id, status: 'skipped' } })).toBe(0);
  });

  it('a scheduler that dies between claiming a slot and starting its run leaves the slot to the next tick: one run', async () => {
    const schedule = await hourlySchedule();
    const died = tickScheduler({
      db: t.db, boss, logger: silentLogger, clock: at('2026-11-27T01:00:01Z'),
      faults: { afterClaim: () => { throw new Error('killed mid-tick'); } },
    });
    await expect(died).rejects.toThrow('killed mid-tick');
    expect(await scheduledRuns(schedule.id)).toEqual([]);
    await Promise.all([1, 2, 3].map(() => tickScheduler({ db: t.db, boss, logger: silentLogger, clock: at('2026-11-27T01:00:02Z') })));
    expect(await scheduledRuns(schedule.id)).toEqual(['2026-11-27T01:00:00.000Z']);
  });

  it('two worker processes ticking over the same slots, one killed mid-tick, start exactly one run per slot', async () => {
    const schedules = await Promise.all(['a', 'b', 'c'].map((n) => hourlySchedule(`multi-${n}`)));
    const killed = schedulerChild(2);
    const survivor = schedulerChild(-1);
    // Ticks 0 and 1 run in both processes at once; at tick 2 the first one claims the due
    // slot and is killed before starting its run; the survivor then ticks 2 to 5 alone.
    for (const tick of [0, 1]) {
      await Promise.all([killed.ready(tick), survivor.ready(tick)]);
      killed.go();
      survivor.go();
    }
    await killed.ready(2);
    killed.go();
    expect(await killed.exit).toMatchObject({ signal: 'SIGKILL' });
    for (const tick of [2, 3, 4, 5]) {
      await survivor.ready(tick);
      survivor.go();
    }
    expect(await survivor.exit).toMatchObject({ code: 0 });
    const slots = ['01', '02', '03', '04', '05', '06'].map((h) => `2026-11-27T${h}:00:00.000Z`);
    for (const schedule of schedules) expect(await scheduledRuns(schedule.id)).toEqual(slots);
  }, 60_000);
});
