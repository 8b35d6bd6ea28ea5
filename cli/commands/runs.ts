import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { resolveTenant } from '../../services/admin/tenants.ts';
import { startRun } from '../../services/runs/start-run.ts';
import { cancelRun } from '../../services/runs/cancel-run.ts';
import { findRun, listRuns } from '../../services/runs/queries.ts';
import { runJson } from '../../services/runs/run-json.ts';
import { runFailures } from '../../services/runs/run-types.ts';
import { operationTypes } from '../../services/operations/registry.ts';
import { AppError } from '../../services/errors.ts';
import { printJson, printRows } from '../output.ts';
import type { Runner } from '../runner.ts';
import type { OperationRun } from '../../services/runs/run-types.ts';

const system = { kind: 'system', name: 'cli' } as const;

function parseInput(raw: string | undefined): unknown {
  if (raw === undefined) return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError('invalid_input', `--input is not valid JSON: ${raw}`);
  }
}

function describe(run: OperationRun, deduplicated?: boolean): string {
  const failures = runFailures(run).map((f) => `\n  ${f.blocking ? 'BLOCKING ' : ''}${f.reason_code}: ${f.message}`).join('');
  return `${run.id}  ${run.type}  ${run.status}${deduplicated ? '  (already active: deduplicated)' : ''}${failures}\n`;
}

export function registerRunCommands(program: Command, run: Runner): void {
  const runs = program.command('runs').description('start, list, show and cancel operation runs');
  runs.command('start').description(`start a run (types: ${operationTypes.join(', ')})`)
    .requiredOption('--tenant <T>', 'tenant id, slug or exact name')
    .requiredOption('--type <type>', 'operation type')
    .option('--input <json>', 'operation input as JSON, e.g. {"scheduleId":"..."}')
    .option('--json', 'print the run as JSON')
    .action((o: { tenant: string; type: string; input?: string; json?: boolean }) => run(async (app) => {
      const input = parseInput(o.input);
      const t = await resolveTenant(app.db, o.tenant);
      const result = await startRun({ db: app.db, boss: await app.boss(), metrics: app.metrics, settings: app.config }, {
        tenantId: t.id, type: o.type, input, actor: system, source: 'cli', deliveryId: randomUUID(),
      });
      if (o.json) printJson(runJson(result.run, result.deduplicated));
      else process.stdout.write(describe(result.run, result.deduplicated));
    }));
  runs.command('list').description('list recent runs').option('--tenant <T>', 'only this tenant').option('--limit <n>', 'how many', '20').option('--json', 'print JSON')
    .action((o: { tenant?: string; limit: string; json?: boolean }) => run(async (app) => {
      const limit = Number.parseInt(o.limit, 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new AppError('invalid_input', '--limit must be a number from 1 to 1000.');
      const t = o.tenant ? await resolveTenant(app.db, o.tenant) : undefined;
      const rows = await listRuns(app.db, { ...(t ? { tenantId: t.id } : {}), limit });
      if (o.json) printJson(rows.map((r) => runJson(r)));
      else printRows(rows.map((r) => ({ ...r, failures: runFailures(r).map((f) => f.reason_code).join(',') })), ['id', 'type', 'status', 'createdAt', 'finishedAt', 'failures'], false);
    }));
  runs.command('show').description('show one run').argument('<id>', 'run id (or its first 8 characters)').option('--json', 'print JSON')
    .action((id: string, o: { json?: boolean }) => run(async (app) => {
      const r = await findRun(app.db, id);
      if (o.json) printJson(runJson(r));
      else process.stdout.write(`${describe(r)}${JSON.stringify({ context: r.context, summary: r.summary, result: r.result }, null, 2)}\n`);
    }));
  runs.command('cancel').description('cancel a queued or running run').argument('<id>', 'run id').option('--json', 'print JSON')
    .action((id: string, o: { json?: boolean }) => run(async (app) => {
      const r = await findRun(app.db, id);
      const cancelled = await cancelRun({ db: app.db, boss: await app.boss() }, { runId: r.id, actor: system });
      if (o.json) printJson(runJson(cancelled));
      else process.stdout.write(describe(cancelled));
    }));

  program.command('audit').description('audit events').command('list').description('list recent audit events')
    .option('--tenant <T>', 'only this tenant').option('--limit <n>', 'how many', '50').option('--json', 'print JSON')
    .action((o: { tenant?: string; limit: string; json?: boolean }) => run(async (app) => {
      const t = o.tenant ? await resolveTenant(app.db, o.tenant) : undefined;
      const limit = Number.parseInt(o.limit, 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new AppError('invalid_input', '--limit must be a number from 1 to 1000.');
      const rows = await app.db.auditEvent.findMany({ where: t ? { tenantId: t.id } : {}, orderBy: { createdAt: 'desc' }, take: limit });
      // --json keeps detail an object; only the text table flattens it.
      if (o.json) printJson(rows);
      else printRows(rows.map((r) => ({ ...r, detail: JSON.stringify(r.detail) })), ['createdAt', 'actor', 'platform', 'action', 'outcome', 'targetId', 'detail'], false);
    }));
}
