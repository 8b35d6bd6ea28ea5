import type { Command } from 'commander';
import { resolveTenant } from '../../services/admin/tenants.ts';
import { intuneFamilies } from '../../services/microsoft/contracts/index.ts';
import { listGroups, listInventory } from '../../services/inventory/queries.ts';
import { AppError } from '../../services/errors.ts';
import { printJson, printRows } from '../output.ts';
import type { Runner } from '../runner.ts';

const shortType = (odataType: string | null) => odataType?.replace(/^#microsoft\.graph\./, '') ?? null;

/** `inventory list` and `groups list`: the caches the sync runs fill (no Graph call). */
export function registerInventoryCommands(program: Command, run: Runner): void {
  program.command('inventory').description('the cached Intune policy inventory (fill it with: runs start --type inventory.sync)')
    .command('list').description('list cached Intune objects')
    .requiredOption('--tenant <T>', 'tenant id, slug or exact name')
    .option('--family <F>', `only this family (${intuneFamilies.join(', ')})`)
    .option('--include-removed', 'also objects gone from Intune since an earlier sync')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; family?: string; includeRemoved?: boolean; json?: boolean }) => run(async (app) => {
      if (o.family !== undefined && !(intuneFamilies as readonly string[]).includes(o.family)) {
        throw new AppError('invalid_input', `--family must be one of ${intuneFamilies.join(', ')}.`);
      }
      const tenant = await resolveTenant(app.db, o.tenant);
      const rows = await listInventory(app.db, { tenantId: tenant.id, ...(o.family ? { family: o.family } : {}), includeRemoved: o.includeRemoved ?? false });
      if (o.json) return printJson(rows);
      const columns = ['family', 'displayName', 'type', 'platformType', 'priority', 'assignments', 'lastSeenAt', ...(o.includeRemoved ? ['removedAt'] : [])];
      printRows(rows.map((r) => ({ ...r, type: shortType(r.odataType), assignments: r.assignmentCount })), columns, false);
    }));

  program.command('groups').description('the cached directory groups (fill it with: runs start --type directory_groups.sync)')
    .command('list').description('list cached directory groups')
    .requiredOption('--tenant <T>', 'tenant id, slug or exact name')
    .option('--search <text>', 'display name contains (case-insensitive)')
    .option('--include-removed', 'also groups deleted in Entra since an earlier sync')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; search?: string; includeRemoved?: boolean; json?: boolean }) => run(async (app) => {
      const tenant = await resolveTenant(app.db, o.tenant);
      const rows = await listGroups(app.db, { tenantId: tenant.id, includeRemoved: o.includeRemoved ?? false, ...(o.search ? { search: o.search } : {}) });
      if (o.json) return printJson(rows);
      const columns = ['groupId', 'displayName', 'mail', 'security', 'types', 'lastSeenAt', ...(o.includeRemoved ? ['removedAt'] : [])];
      printRows(rows.map((r) => ({ ...r, security: r.securityEnabled, types: r.groupTypes.join(',') })), columns, false);
    }));
}
