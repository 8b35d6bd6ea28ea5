// The run-start benchmark (issue 2): on one fresh database, the physical floor (a bare INSERT),
// the mechanism floor (INSERT + boss.send in one transaction), startRun itself, each at 1 and 8
// concurrent callers, the round trips that explain the gap, and idle-worker job pickup.
// Run: npm run bench (all benchmarks) or: node --import tsx bench/run-start-bench.ts
import { pino } from 'pino';
import type { PgBoss } from 'pg-boss';
import { createPrisma, type Db } from '../services/db/client.ts';
import { createBoss } from '../services/queue.ts';
import { createLogger } from '../services/logger.ts';
import { createMetrics } from '../services/metrics.ts';
import { ensureQueues } from '../services/runs/queues.ts';
import { authorize } from '../services/auth/authorize.ts';
import { createStartReads } from '../services/runs/start-reads.ts';
import { seedConnection, seedMember, seedSchedule, seedTenant } from '../test/helpers/fixtures.ts';
import { parseBenchEnv } from './lib/bench-env.ts';
import { openBenchDatabase } from './lib/bench-database.ts';
import { measureInterleaved } from './lib/stats.ts';
import { printSection } from './lib/table.ts';
import { createTracedPrisma, profileCalls, type TracedCall } from './lib/statement-trace.ts';
import { createFloorTable, insertFloorRow, mechanismStart, startRunOnce, type BenchTarget, type ScenarioDeps } from './lib/run-start/scenarios.ts';
import { measurePickup } from './lib/run-start/pickup.ts';
import { printLoad, printPickup, printRatios, printTraces, type LoadRow, type RatioInput } from './lib/run-start/report.ts';

const env = parseBenchEnv(process.env);
const say = (message: string) => process.stdout.write(`${message}\n`);
const logger = createLogger('warn', pino.destination({ fd: 2, sync: true }));
/** Many short rounds: a slow spell of the machine lands on every scenario alike. */
const ROUNDS = 20;

async function seed(db: Db): Promise<BenchTarget> {
  const tenant = await seedTenant(db, 'Bench Tenant');
  const connection = await seedConnection(db, tenant.id, tenant.entraTenantId);
  const member = await seedMember(db, tenant.id, 'operator');
  const schedule = await seedSchedule(db, tenant.id);
  return { tenantId: tenant.id, memberId: member.id, platformUserId: member.platformUserId, connectionId: connection.id, scheduleId: schedule.id };
}

async function loadLevels(deps: ScenarioDeps): Promise<{ rows: LoadRow[]; levels: RatioInput[] }> {
  const rows: LoadRow[] = [];
  const levels: RatioInput[] = [];
  for (const concurrency of [1, 8]) {
    const options = { ops: env.BENCH_OPS, concurrency, warmup: env.BENCH_WARMUP, rounds: ROUNDS };
    const { insert, mechanism, startRun, startRunChat } = await measureInterleaved({
      insert: () => insertFloorRow(deps.db, deps.target),
      mechanism: () => mechanismStart(deps),
      startRun: () => startRunOnce(deps, { chat: false }),
      startRunChat: () => startRunOnce(deps, { chat: true }),
    }, options);
    rows.push(
      { scenario: '(a) bare INSERT', how: 'Prisma $executeRaw, autocommit, operation_runs-shaped table', summary: insert },
      { scenario: '(b) INSERT + boss.send, 1 tx', how: 'Prisma $transaction, boss.send(fromPrisma(tx))', summary: mechanism },
      { scenario: '(c) startRun', how: 'member, backup_schedule.run_now, fresh delivery id', summary: startRun },
      { scenario: '(c) startRun (chat)', how: '... + inbound_deliveries record (Teams/Slack path)', summary: startRunChat },
    );
    levels.push({ concurrency, insert, mechanism, startRun, startRunChat });
  }
  return { rows, levels };
}

/** The same scenarios on an instrumented client: every round trip, in order, with its time. */
async function traceRoundTrips(url: string, deps: ScenarioDeps) {
  const traced = createTracedPrisma(url);
  const tracedDeps = { ...deps, db: traced.db };
  const { tenantId, memberId } = deps.target;
  const scenarios: [string, () => Promise<unknown>][] = [
    ['(a) bare INSERT', () => insertFloorRow(traced.db, deps.target)],
    ['(b) INSERT + boss.send, 1 tx', () => mechanismStart(tracedDeps)],
    ['startRun', () => startRunOnce(tracedDeps, { chat: false })],
    ['startRun (chat)', () => startRunOnce(tracedDeps, { chat: true })],
    // Its parts, to tell Prisma's client-side cost per ORM call from the database's.
    ['  authorize (1 ORM read)', () => authorize(traced.db, { kind: 'member', memberId }, tenantId, 'operator', 'bench')],
    ['  the member read as $queryRaw', () => traced.db.$queryRaw`SELECT * FROM tenant_members WHERE id = ${memberId}::uuid`],
    ['  startRun\'s batched reads (member, schedule, connection)', () => {
      const reads = createStartReads(traced.db, tenantId);
      return Promise.all([reads.member(memberId), reads.schedule(deps.target.scheduleId), reads.defaultConnection()]);
    }],
  ];
  try {
    const profiles = [];
    for (const [scenario, call] of scenarios) {
      for (let i = 0; i < 20; i += 1) await call();
      const calls: TracedCall[] = [];
      for (let i = 0; i < 200; i += 1) calls.push(await traced.trace(call));
      profiles.push({ scenario, profile: profileCalls(calls) });
    }
    return profiles;
  } finally {
    await traced.close();
  }
}

async function main(): Promise<void> {
  printSection('startRun: floors, startRun, job pickup');
  const database = await openBenchDatabase({ databaseUrl: env.DATABASE_URL, log: (m) => say(`  ${m}`) });
  say(`database: ${database.name} on ${database.server}; ${env.BENCH_OPS} ops per row after ${env.BENCH_WARMUP} warm-up ops,`);
  say(`  the four scenarios of one concurrency level measured in ${ROUNDS} alternating rounds, each led by the next scenario (fair under changing background load)`);
  say('settings: Prisma client = createPrisma (pg adapter, pool 10); pg-boss = createBoss (production settings) + ensureQueues');
  const db = createPrisma(database.url);
  let boss: PgBoss | undefined;
  try {
    boss = createBoss(database.url, logger);
    await boss.start();
    await ensureQueues(boss);
    await createFloorTable(db);
    const deps: ScenarioDeps = { db, boss, metrics: createMetrics(), target: await seed(db) };

    const { rows, levels } = await loadLevels(deps);
    printLoad(rows);
    const startPass = printRatios(levels);
    printTraces(await traceRoundTrips(database.url, deps));
    const pickupPass = printPickup(await measurePickup(deps, logger, { samples: env.BENCH_PICKUP_SAMPLES, warmup: 5 }));
    say(`\ntargets: startRun p50 <= 1.5x mechanism ${startPass ? 'PASS' : 'MISS'}; pickup p50 <= 100 ms ${pickupPass ? 'PASS' : 'MISS'}`);
  } finally {
    await boss?.stop({ graceful: false });
    await db.$disconnect();
    await database.close();
  }
}

// Explicit exit: an embedded server's exit hooks would otherwise decide the exit code.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`run-start benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
