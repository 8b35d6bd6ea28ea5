import { AppError } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { ChannelBinding } from '../db/generated/client.ts';
import { violatedIndex } from '../db/client.ts';

export type { ChannelBinding };

function bindingTeam(platform: 'teams' | 'slack', teamId: string | undefined): string {
  if (platform === 'slack' && !teamId) throw new AppError('invalid_input', 'Slack channels need --team (the workspace id, T...).');
  return platform === 'teams' ? '' : (teamId ?? '');
}

export async function bindChannel(db: Db, input: { tenantId: string; platform: 'teams' | 'slack'; channelId: string; teamId?: string }): Promise<ChannelBinding> {
  const channelId = input.channelId.trim();
  if (!channelId) throw new AppError('invalid_input', 'The channel id must not be empty.');
  const teamId = bindingTeam(input.platform, input.teamId);
  try {
    return await db.channelBinding.create({ data: { tenantId: input.tenantId, platform: input.platform, teamId, channelId } });
  } catch (error) {
    if (violatedIndex(error)) {
      const existing = await db.channelBinding.findUnique({ where: { platform_teamId_channelId: { platform: input.platform, teamId, channelId } }, include: { tenant: true } });
      throw new AppError('invalid_input', `Channel ${channelId} is already bound to tenant ${existing?.tenant.slug ?? '?'}; unbind it first.`);
    }
    throw error;
  }
}

export function listBindings(db: Db, tenantId?: string) {
  return db.channelBinding.findMany({ where: tenantId ? { tenantId } : {}, include: { tenant: true }, orderBy: { createdAt: 'asc' } });
}

export async function unbindChannel(db: Db, input: { platform: 'teams' | 'slack'; channelId: string; teamId?: string }): Promise<ChannelBinding> {
  const teamId = bindingTeam(input.platform, input.teamId);
  const binding = await db.channelBinding.findUnique({ where: { platform_teamId_channelId: { platform: input.platform, teamId, channelId: input.channelId } } });
  if (!binding) throw new AppError('not_found', `Channel ${input.channelId} is not bound.`);
  return db.channelBinding.delete({ where: { id: binding.id } });
}
