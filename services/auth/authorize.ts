import { AppError } from '../errors.ts';
import type { Db, Tx } from '../db/client.ts';
import type { TenantMember } from '../db/generated/client.ts';
import type { Actor, AuthorizedActor } from './actor.ts';
import { roleAllows, type Role } from './roles.ts';
import { recordAudit } from '../audit.ts';

/**
 * Checks the actor's CURRENT role in the tenant (read now, never cached). `required`
 * 'system' means only the system actor may do it. A denial is audited and thrown as
 * not_authorized; nothing else is written. `readMember` lets startRun fold the read into
 * its one batched statement; it must read the member row now, from the database.
 */
export async function authorize(
  db: Db | Tx,
  actor: Actor,
  tenantId: string,
  required: Role | 'system',
  action: string,
  readMember: (memberId: string) => Promise<TenantMember | null> = (id) => db.tenantMember.findUnique({ where: { id } }),
): Promise<AuthorizedActor> {
  if (actor.kind === 'system') {
    return { actor, role: null, memberId: null, platformUserId: null, platform: null };
  }
  const member = await readMember(actor.memberId);
  const allowed = member !== null && member.tenantId === tenantId && required !== 'system' && roleAllows(member.role, required);
  if (!member || !allowed) {
    await recordAudit(db, {
      tenantId,
      actor: actor.memberId,
      platform: member?.platform ?? null,
      platformUserId: member?.platformUserId ?? null,
      action,
      outcome: 'denied',
      detail: { reason_code: 'not_authorized', role: member?.role ?? null, required, member_tenant: member?.tenantId ?? null },
    });
    throw new AppError('not_authorized', `Your role (${member?.role ?? 'none'}) cannot ${action.replace(/[._]/g, ' ')}; it needs ${required}.`);
  }
  return { actor, role: member.role, memberId: member.id, platformUserId: member.platformUserId, platform: member.platform };
}
