import { AppError } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { Tenant, TenantMember } from '../db/generated/client.ts';
import { membershipsOf } from '../admin/members.ts';
import { findBinding } from '../admin/bindings.ts';

export type ChatPlatform = 'teams' | 'slack';

/** Who is talking, as the platform identifies them (parsed from the payload by bot/). */
export interface ChatCaller {
  platform: ChatPlatform;
  /** Teams: from.aadObjectId; Slack: user id (U...). */
  userId: string;
  /** Slack workspace id; '' for Teams. */
  teamId: string;
  /** Teams: from.id ("29:..."), kept for Universal Actions refresh.userIds. */
  botUserId?: string;
  displayName?: string;
}

/** Where: a channel (Teams channel/conversation id, Slack channel id) or a personal chat. */
export interface ChatPlace {
  channelId: string;
  personal: boolean;
}

export interface ChatContext {
  caller: ChatCaller;
  place: ChatPlace;
  tenant: Tenant;
  member: TenantMember;
}

function setupDetail(caller: ChatCaller, place: ChatPlace) {
  const team = caller.platform === 'slack' ? ` --team ${caller.teamId}` : '';
  return {
    platform: caller.platform,
    user_id: caller.userId,
    team_id: caller.teamId,
    channel_id: place.channelId,
    member_add: `operate-hub member add --tenant <T> --platform ${caller.platform} --user ${caller.userId}${team} --role <owner|manager|operator|readonly>`,
    channel_bind: `operate-hub channel bind --tenant <T> --platform ${caller.platform} --channel ${place.channelId}${team}`,
  };
}

/**
 * The tenant of a chat request: the channel's binding, else the member's only tenant,
 * else `--tenant`. The tenant is never taken from a payload. `--tenant X` in a channel
 * bound to another tenant is refused.
 */
export async function resolveChatContext(db: Db, caller: ChatCaller, place: ChatPlace, tenantFlag?: string): Promise<ChatContext> {
  // Independent reads: in parallel, as every chat request waits on them before its ack.
  const [memberships, binding] = await Promise.all([
    membershipsOf(db, caller.platform, caller.userId, caller.teamId),
    place.personal ? null : findBinding(db, caller.platform, place.channelId, caller.teamId),
  ]);
  const detail = setupDetail(caller, place);
  let tenant: Tenant | undefined;
  if (binding) {
    if (tenantFlag && tenantFlag !== binding.tenant.slug) {
      throw new AppError('tenant_mismatch', `This channel is bound to ${binding.tenant.name}; --tenant ${tenantFlag} is not allowed here.`, { detail });
    }
    tenant = binding.tenant;
  } else if (tenantFlag) {
    tenant = memberships.find((m) => m.tenant.slug === tenantFlag)?.tenant;
    if (!tenant) throw new AppError('member_unknown', `You are not a member of a tenant "${tenantFlag}".`, { detail });
  } else if (memberships.length === 1) {
    tenant = memberships[0]?.tenant;
  } else if (memberships.length > 1) {
    throw new AppError('channel_unbound', `You belong to several tenants (${memberships.map((m) => m.tenant.slug).join(', ')}): add --tenant <slug>, or ask an owner to bind this channel.`, {
      detail: { ...detail, tenants: memberships.map((m) => m.tenant.slug) },
    });
  }
  const membership = tenant ? memberships.find((m) => m.tenantId === tenant.id) : undefined;
  if (!tenant || !membership) {
    throw new AppError('member_unknown', tenant ? `You are not a member of ${tenant.name}.` : undefined, { detail });
  }
  const { tenant: _ignored, ...member } = membership;
  if (caller.botUserId && member.botUserId !== caller.botUserId) {
    await db.tenantMember.updateMany({ where: { platform: caller.platform, platformUserId: caller.userId }, data: { botUserId: caller.botUserId } });
    member.botUserId = caller.botUserId;
  }
  return { caller, place, tenant, member };
}
