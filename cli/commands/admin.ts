import type { Command } from 'commander';
import { createTenant, listTenants, resolveTenant } from '../../services/admin/tenants.ts';
import { listMembers, removeMember, upsertMember, platformSchema } from '../../services/admin/members.ts';
import { bindChannel, listBindings, unbindChannel } from '../../services/admin/bindings.ts';
import { recordAudit } from '../../services/audit.ts';
import { AppError } from '../../services/errors.ts';
import { printJson, printRows } from '../output.ts';
import type { Runner } from '../runner.ts';

function platform(value: string): 'teams' | 'slack' {
  const parsed = platformSchema.safeParse(value);
  if (!parsed.success) throw new AppError('invalid_input', `--platform must be teams or slack, not "${value}".`);
  return parsed.data;
}

export function registerAdminCommands(program: Command, run: Runner): void {
  const tenant = program.command('tenant').description('manage tenants (customer Microsoft tenants)');
  tenant.command('add').description('add a tenant')
    .requiredOption('--name <name>', 'display name (unique); the slug is derived from it')
    .requiredOption('--entra-tenant-id <guid>', 'the Entra (Azure AD) tenant id')
    .option('--json', 'print JSON')
    .action((o: { name: string; entraTenantId: string; json?: boolean }) => run(async (app) => {
      const created = await createTenant(app.db, { name: o.name, entraTenantId: o.entraTenantId });
      await recordAudit(app.db, { tenantId: created.id, actor: 'system', platform: 'cli', action: 'tenant.add', outcome: 'succeeded', targetId: created.id });
      if (o.json) printJson(created);
      else process.stdout.write(`tenant ${created.slug} added (${created.id})\n`);
    }));
  tenant.command('list').description('list tenants').option('--json', 'print JSON')
    .action((o: { json?: boolean }) => run(async (app) => {
      printRows(await listTenants(app.db), ['id', 'slug', 'name', 'entraTenantId'], Boolean(o.json));
    }));

  const member = program.command('member').description('manage chat members and their tenant roles');
  member.command('add').description('add a member or change their role')
    .requiredOption('--tenant <T>', 'tenant id, slug or exact name')
    .requiredOption('--platform <platform>', 'teams or slack')
    .requiredOption('--user <id>', 'Teams: the AAD object id; Slack: the user id (U...)')
    .option('--team <id>', 'Slack workspace id (T...), required for slack')
    .requiredOption('--role <role>', 'owner, manager, operator or readonly')
    .option('--name <name>', 'display name')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; platform: string; user: string; team?: string; role: string; name?: string; json?: boolean }) => run(async (app) => {
      const t = await resolveTenant(app.db, o.tenant);
      const m = await upsertMember(app.db, {
        tenantId: t.id, platform: platform(o.platform), userId: o.user, role: o.role as 'readonly',
        ...(o.team ? { teamId: o.team } : {}), ...(o.name ? { displayName: o.name } : {}),
      });
      await recordAudit(app.db, { tenantId: t.id, actor: 'system', platform: 'cli', action: 'member.add', outcome: 'succeeded', targetId: m.id, detail: { role: m.role } });
      if (o.json) printJson(m);
      else process.stdout.write(`${m.platform} member ${m.platformUserId} is ${m.role} in ${t.slug}\n`);
    }));
  member.command('list').description('list members').option('--tenant <T>', 'only this tenant').option('--json', 'print JSON')
    .action((o: { tenant?: string; json?: boolean }) => run(async (app) => {
      const t = o.tenant ? await resolveTenant(app.db, o.tenant) : undefined;
      printRows(await listMembers(app.db, t?.id), ['id', 'tenantId', 'platform', 'teamId', 'platformUserId', 'role', 'displayName'], Boolean(o.json));
    }));
  member.command('remove').description('remove a member')
    .requiredOption('--tenant <T>', 'tenant id, slug or exact name')
    .requiredOption('--platform <platform>', 'teams or slack')
    .requiredOption('--user <id>', 'the platform user id')
    .option('--team <id>', 'Slack workspace id')
    .action((o: { tenant: string; platform: string; user: string; team?: string }) => run(async (app) => {
      const t = await resolveTenant(app.db, o.tenant);
      const m = await removeMember(app.db, { tenantId: t.id, platform: platform(o.platform), userId: o.user, ...(o.team ? { teamId: o.team } : {}) });
      await recordAudit(app.db, { tenantId: t.id, actor: 'system', platform: 'cli', action: 'member.remove', outcome: 'succeeded', targetId: m.id });
      process.stdout.write(`removed ${m.platform} member ${m.platformUserId} from ${t.slug}\n`);
    }));

  const channel = program.command('channel').description('bind chat channels to tenants');
  channel.command('bind').description('bind a channel to a tenant')
    .requiredOption('--tenant <T>', 'tenant id, slug or exact name')
    .requiredOption('--platform <platform>', 'teams or slack')
    .requiredOption('--channel <id>', 'Teams: channel or conversation id (19:...); Slack: C...')
    .option('--team <id>', 'Slack workspace id (T...), required for slack')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; platform: string; channel: string; team?: string; json?: boolean }) => run(async (app) => {
      const t = await resolveTenant(app.db, o.tenant);
      const b = await bindChannel(app.db, { tenantId: t.id, platform: platform(o.platform), channelId: o.channel, ...(o.team ? { teamId: o.team } : {}) });
      await recordAudit(app.db, { tenantId: t.id, actor: 'system', platform: 'cli', action: 'channel.bind', outcome: 'succeeded', targetId: b.id });
      if (o.json) printJson(b);
      else process.stdout.write(`${b.platform} channel ${b.channelId} bound to ${t.slug}\n`);
    }));
  channel.command('list').description('list channel bindings').option('--tenant <T>', 'only this tenant').option('--json', 'print JSON')
    .action((o: { tenant?: string; json?: boolean }) => run(async (app) => {
      const t = o.tenant ? await resolveTenant(app.db, o.tenant) : undefined;
      const rows = (await listBindings(app.db, t?.id)).map(({ tenant: bt, ...b }) => ({ ...b, tenant: bt.slug }));
      printRows(rows, ['id', 'tenant', 'platform', 'teamId', 'channelId'], Boolean(o.json));
    }));
  channel.command('unbind').description('remove a channel binding')
    .requiredOption('--platform <platform>', 'teams or slack')
    .requiredOption('--channel <id>', 'the channel id')
    .option('--team <id>', 'Slack workspace id')
    .action((o: { platform: string; channel: string; team?: string }) => run(async (app) => {
      const b = await unbindChannel(app.db, { platform: platform(o.platform), channelId: o.channel, ...(o.team ? { teamId: o.team } : {}) });
      await recordAudit(app.db, { tenantId: b.tenantId, actor: 'system', platform: 'cli', action: 'channel.unbind', outcome: 'succeeded', targetId: b.id });
      process.stdout.write(`unbound ${b.platform} channel ${b.channelId}\n`);
    }));
}
