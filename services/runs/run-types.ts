import type { OperationRun } from '../db/generated/client.ts';
import type { RunFailure } from '../reason-codes.ts';
import type { PrerequisiteContext } from '../operations/definition.ts';
import type { Trigger } from '../auth/actor.ts';

export type { OperationRun };

/** operation_runs.context: the seed's context keys plus provenance and the validated input. */
export interface RunContext extends Partial<PrerequisiteContext> {
  trigger: Trigger;
  delivery_id: string;
  input: unknown;
}

export const activeStatuses = ['queued', 'running'] as const;
export const finalStatuses = ['succeeded', 'partially_succeeded', 'failed', 'cancelled'] as const;
export type FinalStatus = (typeof finalStatuses)[number];

export function runContext(run: Pick<OperationRun, 'context'>): RunContext {
  return run.context as unknown as RunContext;
}

export function runFailures(run: Pick<OperationRun, 'failures'>): RunFailure[] {
  return (Array.isArray(run.failures) ? run.failures : []) as unknown as RunFailure[];
}

export function isActive(status: OperationRun['status']): boolean {
  return status === 'queued' || status === 'running';
}
