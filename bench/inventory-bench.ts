// The inventory benchmark (issue 6). The Microsoft 365 simulator runs in a child process (so
// this process's RSS is the sync's own), serving generated tenants. Measured here, through the
// real path (startRun -> pg-boss -> worker -> handler -> Graph client -> simulator -> PostgreSQL):
//   - inventory.sync of 5,000 items: items/s and peak RSS, beside the raw rate of fetching the
//     same pages (same URLs, plain fetch + JSON.parse, nothing stored); target ours >= 0.5 x raw;
//     between the two, the same reads through our Graph client and readFamily with nothing
//     stored, which splits the gap into the Graph client's share and the storing's;
//   - the same at 20,000 items (BENCH_INVENTORY_LARGE, 0 = skip): peak RSS must not follow the
//     tenant size (a few pages are in memory at once, whatever the tenant's size);
//   - directory_groups.sync: a full sync of 10,000 groups, then an incremental one of 10 changes.
// Run: npm run bench (all benchmarks) or: node --import tsx bench/inventory-bench.ts
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { PgBoss } from 'pg-boss';
import { createPrisma, type Db } from '../services/db/client.ts';
import { createBoss } from '../services/queue.ts';
import { createLogger } from '../services/logger.ts';
import { parseConfig } from '../services/config.ts';
import { ensureQueues } from '../services/runs/queues.ts';
import { startRun } from '../services/runs/start-run.ts';
import { silentNotifier } from '../services/runs/notifier.ts';
import { createTenant } from '../services/admin/tenants.ts';
import { addConnection, setConnectionSecret } from '../services/admin/connections.ts';
import { createMicrosoftServices, type MicrosoftServices } from '../services/microsoft/services.ts';
import { contractUrl } from '../services/microsoft/graph-client.ts';
import { GRAPH_ORIGIN } from '../services/microsoft/hosts.ts';
import { intuneFamilies } from '../services/microsoft/contracts/index.ts';
import type { SecretKeyring } from '../services/secrets.ts';
import { startWorker } from '../worker/worker.ts';
import { handlers } from '../worker/handlers/index.ts';
import { itemConcurrency, mapLimited, readFamily } from '../worker/intune/read-family.ts';
import { runTokenSource } from '../worker/intune/run-graph.ts';
import { generateTenant, startMicrosoftSimulator, type ScenarioInput } from '../sim/microsoft/server.ts';
import { parseBenchEnv } from './lib/bench-env.ts';
import { openBenchDatabase } from './lib/bench-database.ts';
import { fixed, printSection, printTable } from './lib/table.ts';

interface SimTenantSpec { id: string; clientId: string; secret: string; items: number; groups: number }
type SimMessage = { op: 'changeGroups'; tenantId: string; count: number } | { op: 'close' };

const roles = ['Group.Read.All', 'DeviceManagementConfiguration.Read.All', 'DeviceManagementServiceConfig.Read.All', 'DeviceManagementApps.Read.All', 'DeviceManagementScripts.Read.All'] as const;

/** The child: a simulator over generated tenants, answering one message at a time. */
async function simulatorChild(specs: SimTenantSpec[]): Promise<void> {
  const tenants: ScenarioInput['tenants'] = specs.map((s) => {
    const generated = generateTenant({ seed: s.id, items: s.items, groups: s.groups });
    return { id: s.id, displayName: `Bench ${s.items}`, apps: [{ clientId: s.clientId, secrets: [{ value: s.secret }], roles: [...roles] }], groups: generated.groups, intune: generated.intune };
  });
  const sim = await startMicrosoftSimulator({ scenario: { tenants } });
  // The parent went away (finished or crashed): never outlive it.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: SimMessage) => {
    if (message.op === 'close') {
      void sim.close().finally(() => process.exit(0));
      return;
    }
    // 10 changes: renames, two new groups, two deletions.
    const ids = [...sim.state.tenant(message.tenantId).groups.keys()];
    const renames = message.count - 4;
    for (const id of ids.slice(0, renames)) sim.state.changeGroup(message.tenantId, id, { displayName: `Renamed ${id.slice(0, 8)}` });
    sim.state.addGroups(message.tenantId, [{ id: randomUUID(), displayName: 'Bench new A' }, { id: randomUUID(), displayName: 'Bench new B' }]);
    for (const id of ids.slice(-2)) sim.state.removeGroup(message.tenantId, id);
    process.send?.({ done: true });
  });
  process.send?.({ url: sim.url });
}

function ask<T>(child: ChildProcess, message?: SimMessage): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (reply) => resolve(reply as T));
    child.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
    if (message) child.send(message);
  });
}

/** Every page the inventory reads for one tenant (same URLs), fetched and parsed, nothing else. */
async function rawFetch(simUrl: string, token: string): Promise<{ items: number; requests: number; seconds: number }> {
  const started = performance.now();
  let items = 0;
  let requests = 0;
  const get = async (url: string): Promise<{ value: Record<string, unknown>[]; '@odata.nextLink'?: string }> => {
    requests += 1;
    const response = await fetch(url.replace(GRAPH_ORIGIN, `${simUrl}/graph`), { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`raw fetch ${url}: ${response.status}`);
    return (await response.json()) as { value: Record<string, unknown>[]; '@odata.nextLink'?: string };
  };
  for (const family of intuneFamilies) {
    for (let url: string | undefined = contractUrl(`${family}.list`, {}); url;) {
      const page = await get(url);
      items += page.value.length;
      if (family === 'configurationPolicies') {
        // The same per-page concurrency as readFamily, so the ratio measures our processing only.
        await mapLimited(page.value, itemConcurrency, async (policy) => {
          for (let next: string | undefined = contractUrl('configurationPolicies.settings', { id: String(policy.id) }); next;) next = (await get(next))['@odata.nextLink'];
        });
      }
      url = page['@odata.nextLink'];
    }
  }
  return { items, requests, seconds: (performance.now() - started) / 1000 };
}

/** The same pages through our Graph client and readFamily (validation, hashing), nothing stored. */
async function clientRead(microsoft: MicrosoftServices, keyring: SecretKeyring, tenant: Awaited<ReturnType<typeof seedTenant>>): Promise<number> {
  const graph = microsoft.graphClient(runTokenSource((forceRefresh) => microsoft.tokens.graphToken(tenant.connection, keyring, { forceRefresh })));
  const started = performance.now();
  for (const family of intuneFamilies) for await (const _page of readFamily(graph, family, { fetchMissingAssignments: false })) { /* read only */ }
  return (performance.now() - started) / 1000;
}

/** Peak RSS while `task` runs (sampled every 50 ms), in MiB. */
async function withPeakRss<T>(task: () => Promise<T>): Promise<{ value: T; baseline: number; peak: number }> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 50);
  try {
    const value = await task();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, baseline: baseline / 2 ** 20, peak: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

interface Bench { db: Db; boss: PgBoss }

async function runSync(b: Bench, tenantId: string, type: 'inventory.sync' | 'directory_groups.sync') {
  const wallStart = performance.now();
  const { run } = await startRun({ db: b.db, boss: b.boss }, { tenantId, type, actor: { kind: 'system', name: 'cli' }, source: 'cli', deliveryId: randomUUID() });
  for (;;) {
    const current = await b.db.operationRun.findUniqueOrThrow({ where: { id: run.id } });
    if (current.status !== 'queued' && current.status !== 'running') {
      if (current.status !== 'succeeded') throw new Error(`${type} ${current.status}: ${JSON.stringify(current.failures)}`);
      const seconds = (current.finishedAt!.getTime() - current.startedAt!.getTime()) / 1000;
      return { run: current, seconds, wall: (performance.now() - wallStart) / 1000, summary: current.summary as Record<string, unknown> };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function seedTenant(db: Db, keyring: SecretKeyring, spec: SimTenantSpec): Promise<{ id: string; connection: Awaited<ReturnType<Db['providerConnection']['findUniqueOrThrow']>> }> {
  const tenant = await createTenant(db, { name: `Bench ${spec.items} ${spec.id.slice(0, 6)}`, entraTenantId: spec.id });
  const added = await addConnection(db, { tenantId: tenant.id, clientId: spec.clientId, entraTenantId: spec.id });
  const connection = await db.providerConnection.findUniqueOrThrow({ where: { id: added.id } });
  await setConnectionSecret(db, keyring, connection, spec.secret);
  return { id: tenant.id, connection: await db.providerConnection.findUniqueOrThrow({ where: { id: added.id } }) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * `rounds` x (raw fetch, first sync into an empty cache, sync again with nothing changed),
 * interleaved so background load hits all three alike; medians, and the ratio per round.
 */
async function inventoryRows(b: Bench, microsoft: MicrosoftServices, keyring: SecretKeyring, simUrl: string, tenant: Awaited<ReturnType<typeof seedTenant>>, label: string, rounds: number) {
  const token = (await microsoft.tokens.graphToken(tenant.connection, keyring)).accessToken;
  const raw: number[] = [];
  const client: number[] = [];
  const first: number[] = [];
  const again: number[] = [];
  let peak = 0;
  let items = 0;
  let requests = 0;
  const baseline = process.memoryUsage.rss() / 2 ** 20;
  for (let round = 0; round < rounds; round += 1) {
    const fetched = await rawFetch(simUrl, token);
    raw.push(fetched.seconds);
    ({ items, requests } = fetched);
    client.push(await clientRead(microsoft, keyring, tenant));
    await b.db.inventoryItem.deleteMany({ where: { tenantId: tenant.id } });
    const inserted = await withPeakRss(() => runSync(b, tenant.id, 'inventory.sync'));
    const unchanged = await withPeakRss(() => runSync(b, tenant.id, 'inventory.sync'));
    if (inserted.value.summary.added !== items || unchanged.value.summary.updated !== 0 || unchanged.value.summary.added !== 0) throw new Error('the syncs did not read what the raw fetch read');
    first.push(inserted.value.seconds);
    again.push(unchanged.value.seconds);
    peak = Math.max(peak, inserted.peak, unchanged.peak);
  }
  const ratios = raw.map((r, i) => r / (first[i] ?? Number.NaN));
  const rate = (seconds: number) => fixed(items / seconds, 0);
  return {
    rows: [
      [`${label}: raw fetch`, items, requests, fixed(median(raw)), rate(median(raw)), '1.00', '-'],
      [`${label}: Graph client + readFamily only`, items, requests, fixed(median(client)), rate(median(client)), fixed(median(raw.map((r, i) => r / (client[i] ?? Number.NaN)))), '-'],
      [`${label}: inventory.sync, first (all inserted)`, items, requests, fixed(median(first)), rate(median(first)), `${fixed(median(ratios))} (${fixed(Math.min(...ratios))}-${fixed(Math.max(...ratios))})`, fixed(peak, 0)],
      [`${label}: inventory.sync, again (unchanged)`, items, requests, fixed(median(again)), rate(median(again)), fixed(median(raw.map((r, i) => r / (again[i] ?? Number.NaN)))), fixed(peak, 0)],
    ],
    ratio: median(ratios),
    peak,
    baseline,
  };
}

async function main(): Promise<void> {
  const env = parseBenchEnv(process.env);
  const large = Number(process.env.BENCH_INVENTORY_LARGE ?? '20000');
  const rounds = Math.max(1, Number(process.env.BENCH_INVENTORY_ROUNDS ?? '3'));
  printSection('Inventory and groups sync');
  const specs: SimTenantSpec[] = [
    { id: randomUUID(), clientId: randomUUID(), secret: randomBytes(12).toString('hex'), items: 5000, groups: 10_000 },
    ...(large > 0 ? [{ id: randomUUID(), clientId: randomUUID(), secret: randomBytes(12).toString('hex'), items: large, groups: 0 }] : []),
  ];
  const child = fork(fileURLToPath(import.meta.url), ['--simulator', JSON.stringify(specs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    await measure(env.DATABASE_URL, child, specs, large, rounds);
  } finally {
    if (child.connected) child.send({ op: 'close' } satisfies SimMessage);
  }
}

async function measure(databaseUrl: string | undefined, child: ChildProcess, specs: SimTenantSpec[], large: number, rounds: number): Promise<void> {
  const say = (m: string) => process.stdout.write(`${m}\n`);
  const { url: simUrl } = await ask<{ url: string }>(child);
  const database = await openBenchDatabase({ databaseUrl, log: (m) => say(`  ${m}`) });
  const logger = createLogger(process.env.BENCH_LOG_LEVEL === 'info' ? 'info' : 'warn', pino.destination({ fd: 2, sync: true }));
  const db = createPrisma(database.url);
  const boss = createBoss(database.url, logger);
  const keyring: SecretKeyring = { current: randomBytes(32).toString('base64'), previous: [] };
  const config = parseConfig({ NODE_ENV: 'development', LOG_LEVEL: 'warn', DATABASE_URL: database.url, OPERATE_HUB_SECRET_KEY: keyring.current, MICROSOFT_SIMULATOR_URL: simUrl });
  const microsoft = createMicrosoftServices(config);
  try {
    await boss.start();
    await ensureQueues(boss);
    const worker = await startWorker({ db, boss, logger, config, keyring, microsoft, notifier: silentNotifier, handlers, scheduler: false });
    const b = { db, boss };
    say(`database: ${database.name} on ${database.server}; simulator in a child process (page size 100); Graph client and worker as in production`);
    const tenants = await Promise.all(specs.map((s) => seedTenant(db, keyring, s)));
    const five = await inventoryRows(b, microsoft, keyring, simUrl, tenants[0]!, '5,000 items', rounds);
    const big = tenants[1] ? await inventoryRows(b, microsoft, keyring, simUrl, tenants[1], `${large.toLocaleString('en')} items`, 1) : undefined;
    printTable(`Inventory sync, median of ${rounds} interleaved rounds (seconds = handler time; x raw = raw seconds / sync seconds per round, median (min-max); RSS = this process, the simulator excluded)`,
      [{ title: 'measurement' }, { title: 'items', align: 'right' }, { title: 'requests', align: 'right' }, { title: 'seconds', align: 'right' }, { title: 'items/s', align: 'right' }, { title: 'x raw', align: 'right' }, { title: 'peak RSS MiB', align: 'right' }],
      [...five.rows, ...(big?.rows ?? [])]);
    say(`RSS before the first sync: ${fixed(five.baseline, 0)} MiB${big ? `; peak at 5,000 items ${fixed(five.peak, 0)} MiB vs at ${large.toLocaleString('en')} items ${fixed(big.peak, 0)} MiB` : ''}`);

    const full = await runSync(b, tenants[0]!.id, 'directory_groups.sync');
    await ask(child, { op: 'changeGroups', tenantId: specs[0]!.id, count: 10 });
    const incremental = await runSync(b, tenants[0]!.id, 'directory_groups.sync');
    printTable('Groups sync (Graph delta; seconds = handler time, wall = startRun to final status)',
      [{ title: 'measurement' }, { title: 'mode' }, { title: 'upserted', align: 'right' }, { title: 'removed', align: 'right' }, { title: 'seconds', align: 'right' }, { title: 'wall', align: 'right' }],
      [['full sync, 10,000 groups', full] as const, ['incremental, 10 changes', incremental] as const].map(([label, r]) => [
        label, String(r.summary.mode), Number(r.summary.upserted), Number(r.summary.removed), fixed(r.seconds, 3), fixed(r.wall, 3),
      ]));
    say(`\ntarget: inventory.sync >= 0.5 x raw fetch rate at 5,000 items: ${five.ratio >= 0.5 ? 'PASS' : 'MISS'} (${fixed(five.ratio)})`);
    await worker.stop();
  } finally {
    await boss.stop({ graceful: false }).catch(() => undefined);
    await db.$disconnect();
    await database.close();
  }
}

if (process.argv[2] === '--simulator') {
  simulatorChild(JSON.parse(process.argv[3] ?? '[]') as SimTenantSpec[]).catch((error: unknown) => {
    process.stderr.write(`simulator failed: ${String(error)}\n`);
    process.exit(1);
  });
} else {
  // Explicit exit: an embedded server's exit hooks would otherwise decide the exit code.
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`inventory benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
