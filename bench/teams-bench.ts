// The Teams benchmark (issue 4), over HTTP on localhost against the real server (teams-ai
// Application over CloudAdapter on the shared express app, chat service, startRun; no worker,
// as `serve --no-worker`) in unauthenticated local mode, replies going to sim/teams' fake
// Bot Connector. Rows, in alternating rounds so background load hits them alike:
//   help     the Teams layer alone (route, SDK turn, grammar, help card; no database)
//   verify   a fresh verification per request (each in its own tenant): startRun, the shared
//            run card POSTed to the connector and recorded in run_messages
//   verify (deduplicated)  the run is active: startRun finds it, a short notice is posted
//   refresh  Action.Execute `refresh` invokes (operator / readonly): re-render from the database
// Then the SQL statements of one refresh, counted on the pg connection (target p99 <= 50 ms).
// Run: npm run bench teams, or: tsx bench/teams-bench.ts
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { createHttpApp, listen } from '../bot/http-server.ts';
import { createTeamsAdapter } from '../bot/teams/teams-adapter.ts';
import { createChatService } from '../services/chat/chat-service.ts';
import { parseConfig } from '../services/config.ts';
import { createLogger } from '../services/logger.ts';
import { createBoss } from '../services/queue.ts';
import { ensureQueues } from '../services/runs/queues.ts';
import { bindChannel } from '../services/admin/bindings.ts';
import type { RunNotifier } from '../services/runs/notifier.ts';
import { startTeamsSimulator } from '../sim/teams/teams-simulator.ts';
import { simActionActivity, simMessageActivity, type SimPlace, type SimTeamsUser } from '../sim/teams/activities.ts';
import { seedConnection, seedMember, seedTenant } from '../test/helpers/fixtures.ts';
import type { Db } from '../services/db/client.ts';
import { parseBenchEnv } from './lib/bench-env.ts';
import { openBenchDatabase } from './lib/bench-database.ts';
import { createTracedPrisma, profileCalls, type TracedCall } from './lib/statement-trace.ts';
import { measureInterleaved } from './lib/stats.ts';
import { ms, printSection, printTable } from './lib/table.ts';

const OPS = 300;
const ROUNDS = 5;
const P99_TARGET_MS = 50;

const env = parseBenchEnv(process.env);
const say = (message: string) => process.stdout.write(`${message}\n`);
const logger = createLogger('error', pino.destination({ fd: 2, sync: true }));

async function seedChannel(db: Db, role: 'operator' | 'readonly' = 'operator') {
  const tenant = await seedTenant(db, `Bench ${randomUUID().slice(0, 8)}`);
  await seedConnection(db, tenant.id, tenant.entraTenantId);
  const member = await seedMember(db, tenant.id, role);
  const channelId = `19:${randomUUID().replace(/-/g, '')}@thread.tacv2`;
  await bindChannel(db, { tenantId: tenant.id, platform: 'teams', channelId });
  const user: SimTeamsUser = { aadObjectId: member.platformUserId, teamsId: `29:${randomUUID()}`, name: 'Bench operator' };
  const place: SimPlace = { conversationId: `${channelId};messageid=1`, channelId };
  return { tenant, user, place };
}

async function main(): Promise<number> {
  printSection('Teams: activity and Action.Execute latency (issue 4)');
  const database = await openBenchDatabase({ databaseUrl: env.DATABASE_URL, log: say });
  const traced = createTracedPrisma(database.url);
  const db = traced.db;
  const boss = createBoss(database.url, logger);
  const sim = await startTeamsSimulator();
  let server: Awaited<ReturnType<typeof listen>> | undefined;
  let close: (() => Promise<void>) | undefined;
  try {
    await boss.start();
    await ensureQueues(boss);
    const config = parseConfig({ NODE_ENV: 'development', LOG_LEVEL: 'error' });
    const late: { notifier?: RunNotifier } = {};
    const chat = createChatService({ db, boss, logger, notifier: { runChanged: (id) => late.notifier?.runChanged(id) } });
    const adapter = await createTeamsAdapter({ config, logger, chat });
    late.notifier = adapter.notifier;
    close = () => adapter.close();
    server = await listen(createHttpApp({ logger, readiness: { check: async () => ({}) }, metrics: async () => ({ contentType: 'text/plain', body: '' }), mounts: [(app) => adapter.mount(app)] }), 0, '127.0.0.1');
    const endpoint = `${server.url}/api/messages`;
    const statuses = new Map<number, number>();
    const post = async (activity: unknown): Promise<unknown> => {
      const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const text = await response.text();
      return text ? JSON.parse(text) : undefined;
    };

    const warmup = Math.min(env.BENCH_WARMUP, 30);
    say(`database: ${database.server}; ${OPS} sequential requests per row in ${ROUNDS} alternating rounds, ${warmup} warm-up each; local mode (no token validation)`);
    const main = await seedChannel(db);
    const reader = { ...main.user, aadObjectId: (await seedMember(db, main.tenant.id, 'readonly')).platformUserId, teamsId: `29:${randomUUID()}` };
    const coldStarted = performance.now();
    await post(simMessageActivity(sim.url, main.user, main.place, 'verify'));
    const coldMs = performance.now() - coldStarted;
    const run = await db.operationRun.findFirstOrThrow({ where: { tenantId: main.tenant.id } });
    const fresh: Awaited<ReturnType<typeof seedChannel>>[] = [];
    while (fresh.length < OPS + warmup) fresh.push(...await Promise.all(Array.from({ length: 5 }, () => seedChannel(db))));
    let nextFresh = 0;

    const refresh = (user: SimTeamsUser) => () => post(simActionActivity(sim.url, user, main.place, 'refresh', { runId: run.id }));
    const results = await measureInterleaved({
      help: () => post(simMessageActivity(sim.url, main.user, main.place, 'help')),
      verify: () => {
        const target = fresh[nextFresh++];
        if (!target) throw new Error('ran out of fresh tenants');
        return post(simMessageActivity(sim.url, target.user, target.place, 'verify'));
      },
      deduplicated: () => post(simMessageActivity(sim.url, main.user, main.place, 'verify')),
      refreshOperator: refresh(main.user),
      refreshReader: refresh(reader),
    }, { ops: OPS, concurrency: 1, warmup, rounds: ROUNDS });

    const calls: TracedCall[] = [];
    for (let i = 0; i < 200; i += 1) calls.push(await traced.trace(refresh(main.user)));
    const profile = profileCalls(calls);
    const counts = calls.map((c) => c.statements.length).sort((a, b) => a - b);

    printTable('Latency (client-side: activity POSTed to /api/messages until the HTTP response)', [
      { title: 'request' }, { title: 'requests', align: 'right' }, { title: 'p50 ms', align: 'right' }, { title: 'p99 ms', align: 'right' }, { title: 'mean ms', align: 'right' }, { title: 'max ms', align: 'right' }, { title: 'what it does' },
    ], [
      ['help', results.help.ops, ms(results.help.p50), ms(results.help.p99), ms(results.help.mean), ms(results.help.max), 'Teams layer only: route, turn, grammar, help card POSTed'],
      ['verify', results.verify.ops, ms(results.verify.p50), ms(results.verify.p99), ms(results.verify.mean), ms(results.verify.max), 'tenant/role, startRun (new run + job), shared card POSTed, run_messages row'],
      ['verify (deduplicated)', results.deduplicated.ops, ms(results.deduplicated.p50), ms(results.deduplicated.p99), ms(results.deduplicated.mean), ms(results.deduplicated.max), 'startRun finds the active run; short "already running" card POSTed'],
      ['refresh (operator)', results.refreshOperator.ops, ms(results.refreshOperator.p50), ms(results.refreshOperator.p99), ms(results.refreshOperator.mean), ms(results.refreshOperator.max), 'Action.Execute invoke: re-check, re-render from the database, invoke response'],
      ['refresh (readonly)', results.refreshReader.ops, ms(results.refreshReader.p50), ms(results.refreshReader.p99), ms(results.refreshReader.mean), ms(results.refreshReader.max), 'same, read-only view'],
    ]);
    say(`\ncold start: the first activity after the server started took ${ms(coldMs)} ms (module loading, first connections)`);
    const worst = Math.max(results.refreshOperator.p99, results.refreshReader.p99);
    say(`refresh invoke p99 ${ms(worst)} ms (target <= ${P99_TARGET_MS} ms): ${worst <= P99_TARGET_MS ? 'PASS' : 'MISS'}`);

    printTable(`SQL per refresh invoke: ${counts[0]}-${counts.at(-1)} statements (median ${counts[Math.floor(counts.length / 2)]}) over ${calls.length} traced invokes; median call ${ms(profile.p50)} ms`, [
      { title: '#', align: 'right' }, { title: 'statement' }, { title: 'p50 ms', align: 'right' },
    ], profile.steps.map((step, i) => [i + 1, step.label, ms(step.p50)]));
    const sortedLabels = (call: TracedCall) => call.statements.map((st) => st.label).sort().join('|');
    const differentSet = calls.filter((call) => sortedLabels(call) !== sortedLabels(calls[0]!)).length;
    if (profile.irregular > 0) say(`(${profile.irregular} invokes ran them in another order: membership and binding are read in parallel; ${differentSet} ran a different set)`);

    const runs = await db.operationRun.count();
    say(`\nHTTP responses: ${[...statuses].map(([s, n]) => `${n} x ${s}`).join(', ')}; runs: ${runs} (expected ${1 + nextFresh}); connector POSTs ${sim.connector.posts().length}, PUTs ${sim.connector.puts().length}`);
    return [...statuses.keys()].every((s) => s === 200) && runs === 1 + nextFresh ? 0 : 1;
  } finally {
    await server?.close();
    await close?.();
    await sim.close();
    await boss.stop({ graceful: false });
    await traced.close();
    await database.close();
  }
}

main().then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  process.stderr.write(`teams bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
