import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { resolveTenant } from '../../services/admin/tenants.ts';
import { addSchedule, resolveSchedule, setScheduleEnabled } from '../../services/backups/schedules.ts';
import { listBackupSets, listSchedules, showBackupSet } from '../../services/backups/queries.ts';
import { recordAudit } from '../../services/audit.ts';
import { startRun } from '../../services/runs/start-run.ts';
import { runJson } from '../../services/runs/run-json.ts';
import { AppError } from '../../services/errors.ts';
import { printJson, printRows } from '../output.ts';
import type { Runner } from '../runner.ts';

const system = { kind: 'system', name: 'cli' } as const;

function retentionOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new AppError('invalid_input', `--retention must be a whole number, not "${value}".`);
  return n;
}

export function registerBackupCommands(program: Command, run: Runner): void {
  const schedule = program.command('schedule').description('manage backup schedules (cron in an IANA time zone)');
  schedule.command('add').description('add a backup schedule; it first runs at the next matching slot')
    .requiredOption('--tenant <T>', 'tenant id, slug or exact name')
    .requiredOption('--name <name>', 'schedule name (unique in the tenant)')
    .requiredOption('--cron <expr>', '5-field cron expression, e.g. "0 2 * * *"')
    .option('--time-zone <tz>', 'IANA time zone', 'UTC')
    .option('--families <list>', 'comma-separated policy families (default: all)')
    .option('--retention <n>', 'backups to keep (default 7)')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; name: string; cron: string; timeZone: string; families?: string; retention?: string; json?: boolean }) => run(async (app) => {
      const t = await resolveTenant(app.db, o.tenant);
      const retention = retentionOf(o.retention);
      const s = await addSchedule(app.db, {
        tenantId: t.id, name: o.name, cron: o.cron, timeZone: o.timeZone,
        ...(o.families ? { families: o.families.split(',').map((f) => f.trim()).filter(Boolean) } : {}),
        ...(retention === undefined ? {} : { retention }),
      });
      await recordAudit(app.db, { tenantId: t.id, actor: 'system', platform: 'cli', action: 'schedule.add', outcome: 'succeeded', targetId: s.id });
      if (o.json) printJson(s);
      else process.stdout.write(`schedule ${s.name} (${s.id}) added; next slot ${s.nextSlotAt?.toISOString() ?? '-'}\n`);
    }));
  schedule.command('list').description('list schedules').option('--tenant <T>', 'only this tenant').option('--json', 'print JSON')
    .action((o: { tenant?: string; json?: boolean }) => run(async (app) => {
      const t = o.tenant ? await resolveTenant(app.db, o.tenant) : undefined;
      printRows(await listSchedules(app.db, t?.id), ['id', 'name', 'cronExpression', 'timeZone', 'enabled', 'retentionCount', 'nextSlotAt', 'families'], Boolean(o.json));
    }));
  for (const enabled of [true, false]) {
    schedule.command(enabled ? 'enable' : 'disable').description(enabled ? 'enable a schedule (resumes at the next slot; missed slots are not run)' : 'disable a schedule (starts nothing until enabled)')
      .argument('<schedule>', 'schedule id, or name with --tenant')
      .option('--tenant <T>', 'tenant, when naming the schedule by name')
      .action((ref: string, o: { tenant?: string }) => run(async (app) => {
        const t = o.tenant ? await resolveTenant(app.db, o.tenant) : undefined;
        const s = await setScheduleEnabled(app.db, await resolveSchedule(app.db, t?.id, ref), enabled);
        await recordAudit(app.db, { tenantId: s.tenantId, actor: 'system', platform: 'cli', action: enabled ? 'schedule.enable' : 'schedule.disable', outcome: 'succeeded', targetId: s.id });
        process.stdout.write(`schedule ${s.name} ${enabled ? `enabled; next slot ${s.nextSlotAt?.toISOString() ?? '-'}` : 'disabled'}\n`);
      }));
  }

  const backup = program.command('backup').description('backups: run now, list, show');
  backup.command('run-now').description('back up a schedule\'s families now (one run per invocation)')
    .requiredOption('--schedule <S>', 'schedule id, or name with --tenant')
    .option('--tenant <T>', 'tenant, when naming the schedule by name')
    .option('--json', 'print the run as JSON')
    .action((o: { schedule: string; tenant?: string; json?: boolean }) => run(async (app) => {
      const t = o.tenant ? await resolveTenant(app.db, o.tenant) : undefined;
      const s = await resolveSchedule(app.db, t?.id, o.schedule);
      const result = await startRun({ db: app.db, boss: await app.boss(), metrics: app.metrics }, {
        tenantId: s.tenantId, type: 'backup_schedule.run_now', input: { scheduleId: s.id }, actor: system, source: 'cli', deliveryId: randomUUID(),
      });
      if (o.json) printJson(runJson(result.run, result.deduplicated));
      else process.stdout.write(`${result.run.id}  backup_schedule.run_now  ${result.run.status}\n`);
    }));
  backup.command('list').description('list backup sets').option('--tenant <T>', 'only this tenant').option('--json', 'print JSON')
    .action((o: { tenant?: string; json?: boolean }) => run(async (app) => {
      const t = o.tenant ? await resolveTenant(app.db, o.tenant) : undefined;
      printRows(await listBackupSets(app.db, { ...(t ? { tenantId: t.id } : {}), limit: 50 }), ['id', 'createdAt', 'status', 'itemCount', 'families', 'backupScheduleId', 'operationRunId'], Boolean(o.json));
    }));
  backup.command('show').description('show one backup set').argument('<id>', 'backup set id').option('--json', 'print JSON')
    .action((id: string, o: { json?: boolean }) => run(async (app) => {
      const set = await showBackupSet(app.db, id);
      if (o.json) printJson(set);
      else process.stdout.write(`${set.id}  ${set.status}  ${set.itemCount} items  ${set.createdAt.toISOString()}\n${JSON.stringify({ itemsPerFamily: set.itemsPerFamily, detail: set.detail, referencedByRestores: set.referencedByRestores }, null, 2)}\n`);
    }));
}
