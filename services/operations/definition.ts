import type { z } from 'zod/v4';
import type { StartReads } from '../runs/start-reads.ts';
import type { Role } from '../auth/roles.ts';
import type { Config } from '../config.ts';

/** The configured limits a prerequisite may enforce (startRun passes them; see settingDefaults). */
export type OperationSettings = Pick<Config, 'RESTORE_PLAN_MAX_AGE_MINUTES'>;

/** What a run targets, for the "Target" line of cards (seed: target_scope). */
export interface TargetScope {
  kind: 'tenant' | 'connection' | 'backup_schedule' | 'backup_set' | 'restore_run';
  id: string;
  label: string;
}

/** Keys a prerequisite check adds to the run's context (seed context contract). */
export interface PrerequisiteContext {
  provider_connection_id?: string;
  backup_schedule_id?: string;
  backup_schedule_run_id?: string;
  restore_run_id?: string;
  backup_set_id?: string;
  retry_of_run_id?: string;
  scheduled_for?: string;
  target_scope: TargetScope;
}

export interface IdentityArgs<I> {
  tenantId: string;
  input: I;
  deliveryId: string;
  /** What the prerequisites resolved (e.g. the default connection's id). */
  context: PrerequisiteContext;
}

/**
 * One operation type: how its input is validated, what makes two starts "the same run",
 * who may start it and what must hold first. Its handler lives in worker/handlers.
 */
export interface OperationDefinition<I = unknown> {
  type: string;
  inputSchema: z.ZodType<I>;
  /** active: unique among queued/running runs; strict: unique forever. */
  identityScope: 'active' | 'strict';
  identity: (args: IdentityArgs<I>) => Record<string, string>;
  requiredRole: Role | 'system';
  /**
   * Throws AppError (connection_missing, connection_blocked, not_found, ...). Reads go
   * through `reads` (tenant-scoped, batched with the member read into one statement).
   */
  prerequisites: (reads: StartReads, tenantId: string, input: I, settings: OperationSettings) => Promise<PrerequisiteContext>;
  /** pg-boss job expiry: a killed worker blocks the identity at most this long. */
  expireInSeconds: number;
  /** The handler's own time limit (operation_timeout), below the expiry. */
  timeoutSeconds: number;
  retryLimit: number;
}

export function defineOperation<I>(definition: OperationDefinition<I>): OperationDefinition<I> {
  return definition;
}
