import { describe, expect, it } from 'vitest';
import { useTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { countJobs, seedConnection, seedTenant } from '../helpers/fixtures.ts';
import { cliFor, okJson, type Cli } from './cli-harness.ts';

const SLOW = 240_000;
let t: TestDatabase;
let cli: Cli;
useTestDatabase((opened) => {
  t = opened;
  cli = cliFor(t.url);
});

describe('schedule and backup commands', () => {
  it('schedule add/list/disable/enable and backup run-now/list/show work end to end', async () => {
    const tenant = await seedTenant(t.db, 'Backup Cli Tenant');
    await seedConnection(t.db, tenant.id, tenant.entraTenantId);
    const added = okJson<{ id: string; name: string; nextSlotAt: string; families: string[] }>(await cli([
      'schedule', 'add', '--tenant', tenant.slug, '--name', 'nightly', '--cron', '0 2 * * *', '--time-zone', 'Europe/Berlin',
      '--families', 'deviceConfigurations,deviceCompliancePolicies', '--retention', '5', '--json',
    ]));
    expect(added).toMatchObject({ name: 'nightly', families: ['deviceConfigurations', 'deviceCompliancePolicies'] });
    // 02:00 in Berlin is 01:00 UTC in November.
    expect(added.nextSlotAt).toMatch(/T01:00:00\.000Z$/);
    const listed = okJson<{ id: string; enabled: boolean }[]>(await cli(['schedule', 'list', '--tenant', tenant.slug, '--json']));
    expect(listed).toEqual([expect.objectContaining({ id: added.id, enabled: true })]);

    expect(await cli(['schedule', 'disable', 'nightly', '--tenant', tenant.slug])).toMatchObject({ code: 0 });
    expect((await t.db.backupSchedule.findUniqueOrThrow({ where: { id: added.id } })).enabled).toBe(false);
    expect(await cli(['schedule', 'enable', added.id])).toMatchObject({ code: 0 });

    const started = okJson<{ id: string; type: string; status: string; context: { backup_schedule_id: string } }>(await cli(['backup', 'run-now', '--schedule', added.id, '--json']));
    expect(started).toMatchObject({ type: 'backup_schedule.run_now', status: 'queued', context: { backup_schedule_id: added.id } });
    expect(await countJobs(t.db, started.id)).toBe(1);

    const set = await t.db.backupSet.create({ data: { tenantId: tenant.id, backupScheduleId: added.id, status: 'complete', families: ['deviceConfigurations'], itemCount: 1 } });
    await t.db.backupItem.create({ data: { backupSetId: set.id, family: 'deviceConfigurations', graphId: 'a', payload: {}, payloadHash: 'h' } });
    const sets = okJson<{ id: string }[]>(await cli(['backup', 'list', '--tenant', tenant.slug, '--json']));
    expect(sets.map((s) => s.id)).toEqual([set.id]);
    expect(okJson(await cli(['backup', 'show', set.id, '--json']))).toMatchObject({ id: set.id, itemsPerFamily: { deviceConfigurations: 1 }, referencedByRestores: 0 });
  }, SLOW);

  it('bad schedule input is refused with one line and writes nothing', async () => {
    const tenant = await seedTenant(t.db, 'Bad Schedule Tenant');
    const attempts = await Promise.all([
      cli(['schedule', 'add', '--tenant', tenant.slug, '--name', 'x', '--cron', 'every night']),
      cli(['schedule', 'add', '--tenant', tenant.slug, '--name', 'x', '--cron', '0 2 * * *', '--time-zone', 'Mars/Olympus']),
      cli(['schedule', 'add', '--tenant', tenant.slug, '--name', 'x', '--cron', '0 2 * * *', '--families', 'printers']),
      cli(['schedule', 'add', '--tenant', tenant.slug, '--name', 'x', '--cron', '0 2 * * *', '--retention', 'lots']),
      cli(['backup', 'run-now', '--schedule', 'nope', '--tenant', tenant.slug]),
      cli(['backup', 'show', 'not-an-id']),
    ]);
    for (const [i, result] of attempts.entries()) {
      expect(result.code, `attempt ${i}`).not.toBe(0);
      expect(result.stderr.trim().split('\n'), `attempt ${i}`).toHaveLength(1);
      expect(result.stderr).toMatch(/^error: /);
    }
    expect(attempts[1]?.stderr).toContain('IANA time zone');
    expect(attempts[2]?.stderr).toContain('printers');
    expect(await t.db.backupSchedule.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await t.db.operationRun.count({ where: { tenantId: tenant.id } })).toBe(0);
  }, SLOW);
});
