import type { Command } from 'commander';
import { resolveTenant } from '../../services/admin/tenants.ts';
import { addConnection, listConnections, resolveConnection, setConnectionSecret } from '../../services/admin/connections.ts';
import { recordAudit } from '../../services/audit.ts';
import { printJson, printRows } from '../output.ts';
import { readStdin, type Runner } from '../runner.ts';

export function registerConnectionCommands(program: Command, run: Runner): void {
  const connection = program.command('connection').description('manage Microsoft provider connections (Entra app registrations)');
  connection.command('add').description('add a connection; the first one of a tenant becomes its default')
    .requiredOption('--tenant <T>', 'tenant id, slug or exact name')
    .requiredOption('--client-id <guid>', 'the app registration\'s application (client) id')
    .option('--entra-tenant-id <guid>', 'defaults to the tenant\'s Entra tenant id')
    .option('--name <name>', 'display name')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; clientId: string; entraTenantId?: string; name?: string; json?: boolean }) => run(async (app) => {
      const t = await resolveTenant(app.db, o.tenant);
      const c = await addConnection(app.db, { tenantId: t.id, clientId: o.clientId, entraTenantId: o.entraTenantId ?? t.entraTenantId, ...(o.name ? { displayName: o.name } : {}) });
      await recordAudit(app.db, { tenantId: t.id, actor: 'system', platform: 'cli', action: 'connection.add', outcome: 'succeeded', targetId: c.id });
      if (o.json) printJson(c);
      else process.stdout.write(`connection ${c.id} added to ${t.slug}${c.isDefault ? ' (default)' : ''}; now run: operate-hub connection set-secret --tenant ${t.slug}\n`);
    }));
  connection.command('list').description('list connections (never shows secrets)').option('--tenant <T>', 'only this tenant').option('--json', 'print JSON')
    .action((o: { tenant?: string; json?: boolean }) => run(async (app) => {
      const t = o.tenant ? await resolveTenant(app.db, o.tenant) : undefined;
      printRows(await listConnections(app.db, t?.id), ['id', 'tenantId', 'clientId', 'entraTenantId', 'isDefault', 'status', 'hasSecret', 'lastVerifiedAt'], Boolean(o.json));
    }));
  connection.command('set-secret').description('store the client secret, read from standard input (one trailing newline is stripped)')
    .requiredOption('--tenant <T>', 'tenant id, slug or exact name')
    .option('--connection <id>', 'the connection; the tenant\'s default when omitted')
    .action((o: { tenant: string; connection?: string }) => run(async (app) => {
      const t = await resolveTenant(app.db, o.tenant);
      const c = await resolveConnection(app.db, t.id, o.connection);
      const secret = (await readStdin()).replace(/\r?\n$/, '');
      await setConnectionSecret(app.db, app.keyring, c, secret);
      await recordAudit(app.db, { tenantId: t.id, actor: 'system', platform: 'cli', action: 'connection.set_secret', outcome: 'succeeded', targetId: c.id });
      process.stdout.write(`secret stored for connection ${c.id}; verify it with: operate-hub runs start --tenant ${t.slug} --type provider_connection.verify\n`);
    }));
}
