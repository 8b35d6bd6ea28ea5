import { AppError } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { Tenant, TenantMember } from '../db/generated/client.ts';
import { jsonRow } from '../db/json-rows.ts';

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

interface Membership extends TenantMember {
  tenant: Tenant;
}

/**
 * The caller's member records (with their tenants) and the channel's bound tenant, in ONE
 * statement: every chat request waits on this before its ack. Teams ignores the team id
 * (stored as ''); Slack needs it.
 */
async function lookupCaller(db: Db, caller: ChatCaller, place: ChatPlace): Promise<{ memberships: Membership[]; boundTenant: Tenant | null }> {
  const team = caller.platform === 'slack' ? caller.teamId : null;
  const [row] = await db.$queryRaw<{ memberships: unknown; bound: unknown }[]>`
    SELECT
      (SELECT coalesce(jsonb_agg(jsonb_build_object('member', to_jsonb(m), 'tenant', to_jsonb(t)) ORDER BY t.name), '[]'::jsonb)
         FROM tenant_members m JOIN tenants t ON t.id = m.tenant_id
        WHERE m.platform = ${caller.platform}::platform AND m.platform_user_id = ${caller.userId}
          AND (${team}::text IS NULL OR m.team_id = ${team}::text)) AS memberships,
      (SELECT to_jsonb(t) FROM channel_bindings b JOIN tenants t ON t.id = b.tenant_id
        WHERE ${place.personal} = false AND b.platform = ${caller.platform}::platform AND b.channel_id = ${place.channelId}
          AND (${team}::text IS NULL OR b.team_id = ${team}::text)
        LIMIT 1) AS bound`;
  const entries = Array.isArray(row?.memberships) ? (row.memberships as { member: unknown; tenant: unknown }[]) : [];
  return {
    memberships: entries.map((entry) => ({ ...jsonRow.member(entry.member), tenant: jsonRow.tenant(entry.tenant) })),
    boundTenant: row?.bound ? jsonRow.tenant(row.bound) : null,
  };
}

/**
 * The tenant of a chat request: the channel's binding, else the member's only tenant,
 * else `--tenant`. The tenant is never taken from a payload. `--tenant X` in a channel
 * bound to another tenant is refused.
 */
export async function resolveChatContext(db: Db, caller: ChatCaller, place: ChatPlace, tenantFlag?: string): Promise<ChatContext> {
  const { memberships, boundTenant } = await lookupCaller(db, caller, place);
  const detail = setupDetail(caller, place);
  let tenant: Tenant | undefined;
  if (boundTenant) {
    if (tenantFlag && tenantFlag !== boundTenant.slug) {
      throw new AppError('tenant_mismatch', `This channel is bound to ${boundTenant.name}; --tenant ${tenantFlag} is not allowed here.`, { detail });
    }
    tenant = boundTenant;
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
