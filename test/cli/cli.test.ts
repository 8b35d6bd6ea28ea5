import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenant } from '../../services/admin/tenants.ts';
import { keyId } from '../../services/config.ts';
import { openSecret } from '../../services/secrets.ts';
import { useTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { countJobs, seedConnection, seedTenant } from '../helpers/fixtures.ts';
import { SECRET_KEY, cliFor, columnsContaining, okJson, type Cli } from './cli-harness.ts';

// Every command here is the real CLI in a child process (~1-2 s each through tsx), so
// assertions are grouped per flow and independent commands run in parallel.
// Generous limits: on a loaded 2-core machine one spawn can take 10 s or more.
const SLOW = 240_000;
let t: TestDatabase;
let cli: Cli;

useTestDatabase((opened) => {
  t = opened;
  cli = cliFor(t.url);
});

interface TenantJson { id: string; name: string; slug: string; entraTenantId: string; createdAt: string }

/** `tenant add` has its own test; the other flows seed through the same service. */
function addTenant(name: string) {
  return createTenant(t.db, { name, entraTenantId: randomUUID() });
}

describe('operate-hub --help', () => {
  it('--help on the root and on every command group prints its usage and exits 0', async () => {
    const groups = ['tenant', 'member', 'channel', 'connection', 'runs', 'audit'];
    const [root, ...perGroup] = await Promise.all([cli(['--help']), ...groups.map((group) => cli([group, '--help']))]);
    expect(root).toMatchObject({ code: 0, stderr: '' });
    for (const command of ['serve', 'worker', 'migrate', ...groups]) expect(root?.stdout).toContain(command);
    const subcommands: Record<string, string[]> = {
      tenant: ['add', 'list'], member: ['add', 'list', 'remove'], channel: ['bind', 'list', 'unbind'],
      connection: ['add', 'list', 'set-secret'], runs: ['start', 'list', 'show', 'cancel'], audit: ['list'],
    };
    perGroup.forEach((result, i) => {
      const group = groups[i] ?? '';
      expect(result, group).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain(`Usage: operate-hub ${group}`);
      for (const sub of subcommands[group] ?? []) expect(result.stdout).toContain(sub);
    });
  }, SLOW);
});

describe('admin commands', () => {
  it('tenant add -> list shows it as text and as camelCase --json', async () => {
    const entraTenantId = randomUUID();
    const added = okJson<TenantJson>(await cli(['tenant', 'add', '--name', 'Contoso Europe', '--entra-tenant-id', entraTenantId.toUpperCase(), '--json']));
    expect(added).toMatchObject({ name: 'Contoso Europe', slug: 'contoso-europe', entraTenantId });
    const [text, json] = await Promise.all([cli(['tenant', 'list']), cli(['tenant', 'list', '--json'])]);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(new RegExp(`${added.id}\\s+contoso-europe\\s+Contoso Europe\\s+${entraTenantId}`));
    expect(okJson<TenantJson[]>(json)).toContainEqual(expect.objectContaining({ id: added.id, slug: 'contoso-europe', entraTenantId, createdAt: added.createdAt }));
  }, SLOW);

  it('member add (teams, slack with --team) -> list -> remove leaves only the other member', async () => {
    const tenant = await addTenant('Member Flow');
    const [teams, slack] = await Promise.all([
      cli(['member', 'add', '--tenant', tenant.slug, '--platform', 'teams', '--user', 'aad-1', '--role', 'operator', '--name', 'Ada', '--json']),
      cli(['member', 'add', '--tenant', 'Member Flow', '--platform', 'slack', '--user', 'U1', '--team', 'T1', '--role', 'owner', '--json']),
    ]);
    expect(okJson(teams)).toMatchObject({ tenantId: tenant.id, platform: 'teams', teamId: '', platformUserId: 'aad-1', role: 'operator', displayName: 'Ada' });
    expect(okJson(slack)).toMatchObject({ tenantId: tenant.id, platform: 'slack', teamId: 'T1', platformUserId: 'U1', role: 'owner' });
    const listed = okJson<{ platformUserId: string }[]>(await cli(['member', 'list', '--tenant', tenant.id, '--json']));
    expect(listed.map((m) => m.platformUserId).sort()).toEqual(['U1', 'aad-1']);

    const removed = await cli(['member', 'remove', '--tenant', tenant.slug, '--platform', 'slack', '--user', 'U1', '--team', 'T1']);
    expect(removed).toMatchObject({ code: 0, stderr: '' });
    expect(removed.stdout).toContain('removed slack member U1');
    const left = await t.db.tenantMember.findMany({ where: { tenantId: tenant.id } });
    expect(left.map((m) => m.platformUserId)).toEqual(['aad-1']);
  }, SLOW);

  it('channel bind (teams, slack) -> list -> unbind removes only that binding', async () => {
    const tenant = await addTenant('Channel Flow');
    const [teams, slack] = await Promise.all([
      cli(['channel', 'bind', '--tenant', tenant.slug, '--platform', 'teams', '--channel', '19:abc@thread.tacv2', '--json']),
      cli(['channel', 'bind', '--tenant', tenant.slug, '--platform', 'slack', '--team', 'T9', '--channel', 'C9', '--json']),
    ]);
    expect(okJson(teams)).toMatchObject({ tenantId: tenant.id, platform: 'teams', teamId: '', channelId: '19:abc@thread.tacv2' });
    expect(okJson(slack)).toMatchObject({ tenantId: tenant.id, platform: 'slack', teamId: 'T9', channelId: 'C9' });
    const listed = okJson<{ channelId: string; tenant: string }[]>(await cli(['channel', 'list', '--tenant', tenant.slug, '--json']));
    expect(listed).toEqual(expect.arrayContaining([
      expect.objectContaining({ channelId: '19:abc@thread.tacv2', tenant: tenant.slug }),
      expect.objectContaining({ channelId: 'C9', tenant: tenant.slug }),
    ]));

    const unbound = await cli(['channel', 'unbind', '--platform', 'slack', '--team', 'T9', '--channel', 'C9']);
    expect(unbound).toMatchObject({ code: 0, stderr: '' });
    const left = await t.db.channelBinding.findMany({ where: { tenantId: tenant.id } });
    expect(left.map((b) => b.channelId)).toEqual(['19:abc@thread.tacv2']);
  }, SLOW);

  it('connection add -> set-secret from stdin stores it encrypted (one trailing newline stripped) -> list shows hasSecret only', async () => {
    const tenant = await addTenant('Connection Flow');
    const clientId = randomUUID();
    const added = okJson<{ id: string; isDefault: boolean; entraTenantId: string }>(
      await cli(['connection', 'add', '--tenant', tenant.slug, '--client-id', clientId, '--json']));
    expect(added).toMatchObject({ isDefault: true, entraTenantId: tenant.entraTenantId, hasSecret: false });
    expect(added).not.toHaveProperty('secretCiphertext');

    const secret = `Zx8~Q.${randomUUID()}`;
    const stored = await cli(['connection', 'set-secret', '--tenant', tenant.slug], { stdin: `${secret}\n` });
    expect(stored).toMatchObject({ code: 0, stderr: '' });
    expect(stored.stdout).not.toContain(secret);

    const row = await t.db.providerConnection.findUniqueOrThrow({ where: { id: added.id } });
    expect(row.secretKeyId).toBe(keyId(SECRET_KEY));
    expect(openSecret({ current: SECRET_KEY, previous: [] }, { ciphertext: row.secretCiphertext ?? '', keyId: row.secretKeyId ?? '' })).toBe(secret);
    expect(await columnsContaining(t.db, secret)).toEqual([]);

    const listed = okJson<Record<string, unknown>[]>(await cli(['connection', 'list', '--tenant', tenant.slug, '--json']));
    expect(listed).toEqual([expect.objectContaining({ id: added.id, clientId, hasSecret: true, status: 'unverified' })]);
    expect(listed[0]).not.toHaveProperty('secretCiphertext');
  }, SLOW);
});

interface RunJson {
  id: string; tenantId: string; type: string; status: string; deduplicated?: boolean;
  context: { trigger?: { source: string; actor: string }; provider_connection_id?: string };
  summary: unknown; failures: { reasonCode: string; message: string; blocking: boolean }[]; result: unknown;
  attempt: number; createdAt: string; startedAt: string | null; finishedAt: string | null;
}

describe('runs and audit commands (no worker runs here: started runs stay queued)', () => {
  it('runs start --json prints the camelCase run; a second start of the active inventory.sync exits 0 deduplicated', async () => {
    const tenant = await seedTenant(t.db);
    const connection = await seedConnection(t.db, tenant.id, tenant.entraTenantId);
    const first = okJson<RunJson>(await cli(['runs', 'start', '--tenant', tenant.slug, '--type', 'inventory.sync', '--json']));
    expect(Object.keys(first).sort()).toEqual(
      ['attempt', 'context', 'createdAt', 'deduplicated', 'failures', 'finishedAt', 'id', 'result', 'startedAt', 'status', 'summary', 'tenantId', 'type']);
    expect(first).toMatchObject({
      tenantId: tenant.id, type: 'inventory.sync', status: 'queued', deduplicated: false, failures: [], result: null,
      attempt: 0, startedAt: null, finishedAt: null,
      context: { provider_connection_id: connection.id, trigger: { source: 'cli', actor: 'system' } },
    });
    expect(new Date(first.createdAt).toISOString()).toBe(first.createdAt);
    expect(await countJobs(t.db, first.id)).toBe(1);

    const second = okJson<RunJson>(await cli(['runs', 'start', '--tenant', tenant.name, '--type', 'inventory.sync', '--json']));
    expect(second).toMatchObject({ id: first.id, deduplicated: true, status: 'queued' });
    expect(await t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await countJobs(t.db)).toBeGreaterThanOrEqual(1);
  }, SLOW);

  it('runs list/show find a queued run (by full or short id); runs cancel cancels it and its job; audit list records both', async () => {
    const tenant = await seedTenant(t.db);
    await seedConnection(t.db, tenant.id, tenant.entraTenantId);
    const started = okJson<RunJson>(await cli(['runs', 'start', '--tenant', tenant.id, '--type', 'directory_groups.sync', '--json']));

    const [listText, listJson, shown] = await Promise.all([
      cli(['runs', 'list', '--tenant', tenant.slug]),
      cli(['runs', 'list', '--tenant', tenant.slug, '--json']),
      cli(['runs', 'show', started.id.slice(0, 8), '--json']),
    ]);
    expect(listText).toMatchObject({ code: 0, stderr: '' });
    expect(listText.stdout).toMatch(new RegExp(`${started.id}\\s+directory_groups\\.sync\\s+queued`));
    expect(okJson<RunJson[]>(listJson)).toEqual([expect.objectContaining({ id: started.id, status: 'queued' })]);
    const { deduplicated: _deduplicated, ...persisted } = started;
    expect(okJson<RunJson>(shown)).toEqual(persisted);

    const cancelled = okJson<RunJson>(await cli(['runs', 'cancel', started.id, '--json']));
    expect(cancelled).toMatchObject({ id: started.id, status: 'cancelled', failures: [expect.objectContaining({ reasonCode: 'cancelled_by_user' })] });
    expect(cancelled.finishedAt).not.toBeNull();
    const [job] = await t.db.$queryRaw<{ state: string }[]>`SELECT state::text FROM pgboss.job WHERE id = ${started.id}::uuid`;
    expect(job?.state).toBe('cancelled');

    const events = okJson<{ action: string; actor: string; outcome: string; targetId: string; detail: unknown }[]>(
      await cli(['audit', 'list', '--tenant', tenant.slug, '--json']));
    expect(events.map((e) => e.action).sort()).toEqual(['run.cancel.directory_groups.sync', 'run.start.directory_groups.sync']);
    expect(events.every((e) => e.actor === 'system' && e.outcome === 'succeeded' && e.targetId === started.id)).toBe(true);
    expect(events.every((e) => typeof e.detail === 'object')).toBe(true);
  }, SLOW);
});
