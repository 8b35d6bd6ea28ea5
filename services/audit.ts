import type { Db, Tx } from './db/client.ts';

export interface AuditInput {
  tenantId: string | null;
  /** A member id or 'system'. */
  actor: string;
  platform?: string | null;
  platformUserId?: string | null;
  action: string;
  outcome: 'succeeded' | 'denied' | 'failed';
  targetId?: string | null;
  /** Never a secret: callers pass ids, codes and counts only. */
  detail?: Record<string, unknown>;
}

export async function recordAudit(db: Db | Tx, input: AuditInput): Promise<void> {
  await db.auditEvent.create({
    data: {
      tenantId: input.tenantId,
      actor: input.actor,
      platform: input.platform ?? null,
      platformUserId: input.platformUserId ?? null,
      action: input.action,
      outcome: input.outcome,
      targetId: input.targetId ?? null,
      detail: (input.detail ?? {}) as object,
    },
  });
}
