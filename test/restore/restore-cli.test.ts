import { describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import type { TestDatabase } from '../helpers/database.ts';
import { seedTenant, useTestDatabaseAndBoss } from '../helpers/fixtures.ts';
import { cliFor, expectOneLineError, okJson, type Cli } from '../cli/cli-harness.ts';
import type { restoreRunJson } from '../../services/restores/restore-json.ts';
import type { RestorePreviewView } from '../../services/restores/views.ts';
import { startRestoreBed } from './restore-bed.ts';

let t: TestDatabase;
let boss: PgBoss;
let cli: Cli;

useTestDatabaseAndBoss((opened) => {
  t = opened.t;
  boss = opened.boss;
  cli = cliFor(t.url);
});

describe('operate-hub restore', () => {
  it('preview starts a run as the system actor; show prints the plan by the preview run\'s short id; execute of a blocked tenant is refused with one line', async () => {
    const bed = await startRestoreBed(t, boss);
    await bed.verify();
    const set = await bed.backup();
    bed.intune('deviceConfigurations').splice(0, 1);
    await bed.syncInventory();
    await bed.syncGroups();

    const started = okJson<{ id: string; type: string; context: { trigger: { actor: string } } }>(await cli(['restore', 'preview', '--tenant', bed.tenant.slug, '--backup', set.id.slice(0, 8), '--families', 'deviceConfigurations', '--json']));
    expect(started).toMatchObject({ type: 'restore.preview', context: { trigger: { actor: 'system' } } });
    const preview = (await bed.settle(started.id)).result as unknown as RestorePreviewView;
    expect(preview.counts).toEqual({ create: 1, update: 0, unchanged: 1, conflict: 0, ambiguous: 0, skipped: 0 });

    const shown = okJson<ReturnType<typeof restoreRunJson>>(await cli(['restore', 'show', started.id.slice(0, 8), '--json']));
    expect(shown).toMatchObject({ id: preview.restore_run_id, status: 'previewed', selection: { families: ['deviceConfigurations'] }, counts: preview.counts });
    expect(shown.plan.map((i) => [i.display_name, i.class])).toEqual([['Windows baseline', 'create'], ['iOS baseline', 'unchanged']]);

    await t.db.providerConnection.update({ where: { id: bed.connectionId }, data: { status: 'blocked' } });
    expectOneLineError(await cli(['restore', 'execute', '--restore-run', preview.restore_run_id]), /blocked/);
    expect(await t.db.operationRun.count({ where: { type: 'restore.execute' } })).toBe(0);
  }, 120_000);

  it('a backup of another tenant or an unknown id: one-line error, no run', async () => {
    const bed = await startRestoreBed(t, boss);
    const other = await seedTenant(t.db);
    const set = await t.db.backupSet.create({ data: { tenantId: other.id, families: ['deviceConfigurations'] } });
    expectOneLineError(await cli(['restore', 'preview', '--tenant', bed.tenant.slug, '--backup', set.id]), /No backup/);
    expectOneLineError(await cli(['restore', 'show', 'deadbeef']), /No restore plan/);
    expect(await t.db.operationRun.count({ where: { type: 'restore.preview', tenantId: { in: [bed.tenant.id, other.id] } } })).toBe(0);
  }, 120_000);
});
