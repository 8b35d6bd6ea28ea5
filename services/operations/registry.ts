import { connectionVerify } from './connection-verify.ts';
import { directoryGroupsSync, inventorySync } from './syncs.ts';
import { backupRetry, backupRunNow, backupScheduled } from './backups.ts';
import { restoreExecute, restorePreview } from './restores.ts';
import type { OperationDefinition } from './definition.ts';

/** Every operation type, once. The worker keys its handlers by the same types. */
export const operations = {
  'provider_connection.verify': connectionVerify,
  'inventory.sync': inventorySync,
  'directory_groups.sync': directoryGroupsSync,
  'backup_schedule.run_now': backupRunNow,
  'backup_schedule.retry': backupRetry,
  'backup_schedule.scheduled': backupScheduled,
  'restore.preview': restorePreview,
  'restore.execute': restoreExecute,
} as const;

export type OperationType = keyof typeof operations;
export const operationTypes = Object.keys(operations) as OperationType[];

/** The validated input type of one operation, derived from its schema. */
export type OperationInput<T extends OperationType> = (typeof operations)[T] extends OperationDefinition<infer I> ? I : never;

export function isOperationType(value: string): value is OperationType {
  return (operationTypes as readonly string[]).includes(value);
}

export function operationDefinition(type: OperationType): OperationDefinition<unknown> {
  return operations[type] as unknown as OperationDefinition<unknown>;
}

export function queueName(type: OperationType): string {
  return `operation.${type}`;
}
