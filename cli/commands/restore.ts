import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { resolveTenant } from '../../services/admin/tenants.ts';
import { startRun } from '../../services/runs/start-run.ts';
import { runJson } from '../../services/runs/run-json.ts';
import { runFailures, type OperationRun } from '../../services/runs/run-types.ts';
import { findRestoreRun, resolveBackupSet } from '../../services/restores/queries.ts';
import { restoreRunJson } from '../../services/restores/restore-json.ts';
import { printJson, printRows } from '../output.ts';
import type { AppContext } from '../context.ts';
import type { Runner } from '../runner.ts';

const system = { kind: 'system', name: 'cli' } as const;

function describe(run: OperationRun, deduplicated: boolean, next: string): string {
  const failures = runFailures(run).map((f) => `\n  ${f.blocking ? 'BLOCKING ' : ''}${f.reason_code}: ${f.message}`).join('');
  return `${run.id}  ${run.type}  ${run.status}${deduplicated ? '  (already started: deduplicated)' : ''}${failures}\n${next}\n`;
}

async function start(app: AppContext, tenantId: string, type: 'restore.preview' | 'restore.execute', input: unknown) {
  return startRun({ db: app.db, boss: await app.boss(), metrics: app.metrics, settings: app.config }, {
    tenantId, type, input, actor: system, source: 'cli', deliveryId: randomUUID(),
  });
}

/** `restore preview | execute | show`: the same runs chat starts, as the system actor. */
export function registerRestoreCommands(program: Command, run: Runner): void {
  const restore = program.command('restore').description('plan a restore from a backup (preview), then execute the plan');
  restore.command('preview').description('plan a restore of a backup into its own tenant (changes nothing)')
    .requiredOption('--tenant <T>', 'tenant id, slug or exact name')
    .requiredOption('--backup <B>', 'backup set id (or its first 8 characters)')
    .option('--families <list>', 'comma-separated policy families (default: every family of the backup)')
    .option('--json', 'print the run as JSON')
    .action((o: { tenant: string; backup: string; families?: string; json?: boolean }) => run(async (app) => {
      const t = await resolveTenant(app.db, o.tenant);
      const set = await resolveBackupSet(app.db, t.id, o.backup);
      const families = o.families?.split(',').map((f) => f.trim()).filter(Boolean);
      const result = await start(app, t.id, 'restore.preview', { backupSetId: set.id, ...(families ? { selection: { families } } : {}) });
      if (o.json) printJson(runJson(result.run, result.deduplicated));
      else process.stdout.write(describe(result.run, result.deduplicated, `When it has finished: operate-hub restore show ${result.run.id.slice(0, 8)}`));
    }));
  restore.command('execute').description('execute a previewed plan (refused when expired, or when restore is not ready)')
    .requiredOption('--restore-run <R>', 'restore plan id, or the id of its preview run')
    .option('--json', 'print the run as JSON')
    .action((o: { restoreRun: string; json?: boolean }) => run(async (app) => {
      const plan = await findRestoreRun(app.db, o.restoreRun);
      const result = await start(app, plan.tenantId, 'restore.execute', { restoreRunId: plan.id });
      if (o.json) printJson(runJson(result.run, result.deduplicated));
      else process.stdout.write(describe(result.run, result.deduplicated, `Results: operate-hub restore show ${plan.id.slice(0, 8)}`));
    }));
  restore.command('show').description('show a restore plan: counts, each item\'s class and reason, and the results once executed')
    .argument('<R>', 'restore plan id, or the id of its preview or execute run')
    .option('--json', 'print JSON')
    .action((ref: string, o: { json?: boolean }) => run(async (app) => {
      const view = restoreRunJson(await findRestoreRun(app.db, ref));
      if (o.json) return printJson(view);
      process.stdout.write(`restore ${view.id}  ${view.status}  backup ${view.backupSetId}  previewed ${view.previewedAt ?? '-'}  executed ${view.executedAt ?? '-'}\n`);
      process.stdout.write(`counts: ${Object.entries(view.counts).map(([k, v]) => `${k} ${String(v)}`).join(', ') || '-'}\n`);
      const outcome = new Map(view.results.map((r) => [r.backup_item_id, r]));
      printRows(view.plan.map((i) => ({
        class: i.class, outcome: outcome.get(i.backup_item_id)?.outcome ?? '-', family: i.family, name: i.display_name,
        reason: outcome.get(i.backup_item_id)?.reason ?? i.reason, warnings: [...i.warnings, ...(outcome.get(i.backup_item_id)?.warnings ?? [])].length,
      })), ['class', 'outcome', 'family', 'name', 'reason', 'warnings'], false);
    }));
}
