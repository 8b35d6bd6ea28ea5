import { z } from 'zod/v4';
import { AppError } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { TenantMember } from '../db/generated/client.ts';
import { roles } from '../auth/roles.ts';

export type { TenantMember };

export const platformSchema = z.enum(['teams', 'slack'], { error: 'platform must be teams or slack' });
export const roleSchema = z.enum(roles, { error: `role must be one of ${roles.join(', ')}` });

export const memberInputSchema = z
  .object({
    tenantId: z.uuid(),
    platform: platformSchema,
    userId: z.string().trim().min(1, 'user id must not be empty'),
    teamId: z.string().trim().optional(),
    role: roleSchema,
    displayName: z.string().trim().optional(),
  })
  .superRefine((m, ctx) => {
    if (m.platform === 'slack' && !m.teamId) {
      ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'Slack members need --team (the workspace id, T...)' });
    }
  });

/** Adds a member, or changes the role of an existing one (same tenant, platform, team, user). */
export async function upsertMember(db: Db, input: z.input<typeof memberInputSchema>): Promise<TenantMember> {
  const parsed = memberInputSchema.safeParse(input);
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues.map((i) => i.message).join('; '));
  const m = parsed.data;
  // Teams stores '' as the team: a Teams user is one user across teams.
  const teamId = m.platform === 'teams' ? '' : (m.teamId ?? '');
  const key = { tenantId: m.tenantId, platform: m.platform, teamId, platformUserId: m.userId };
  return db.tenantMember.upsert({
    where: { tenantId_platform_teamId_platformUserId: key },
    create: { ...key, role: m.role, displayName: m.displayName ?? null },
    update: { role: m.role, ...(m.displayName ? { displayName: m.displayName } : {}) },
  });
}

export function listMembers(db: Db, tenantId?: string): Promise<TenantMember[]> {
  return db.tenantMember.findMany({ where: tenantId ? { tenantId } : {}, orderBy: [{ tenantId: 'asc' }, { createdAt: 'asc' }] });
}

export async function removeMember(db: Db, input: { tenantId: string; platform: 'teams' | 'slack'; userId: string; teamId?: string }): Promise<TenantMember> {
  const teamId = input.platform === 'teams' ? '' : (input.teamId ?? '');
  const member = await db.tenantMember.findUnique({
    where: { tenantId_platform_teamId_platformUserId: { tenantId: input.tenantId, platform: input.platform, teamId, platformUserId: input.userId } },
  });
  if (!member) throw new AppError('not_found', `No ${input.platform} member ${input.userId} in this tenant.`);
  return db.tenantMember.delete({ where: { id: member.id } });
}
