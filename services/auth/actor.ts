import type { Role } from './roles.ts';

/**
 * Who asks. Members are re-read from the database on every check, so a revoked or
 * demoted member stops at once. The CLI (the server operator's tool) and the scheduler
 * act as the audited `system` actor.
 */
export type Actor =
  | { kind: 'member'; memberId: string }
  | { kind: 'system'; name: 'cli' | 'scheduler' | 'wizard' };

export type TriggerSource = 'teams' | 'slack' | 'schedule' | 'cli' | 'wizard';

/** The provenance stored in a run's context.trigger. */
export interface Trigger {
  source: TriggerSource;
  /** A tenant member id, or `system`. */
  actor: string;
  platform_user?: string;
}

export interface AuthorizedActor {
  actor: Actor;
  /** null for the system actor. */
  role: Role | null;
  memberId: string | null;
  platformUserId: string | null;
  platform: string | null;
}

export function actorLabel(actor: Actor): string {
  return actor.kind === 'member' ? actor.memberId : 'system';
}
