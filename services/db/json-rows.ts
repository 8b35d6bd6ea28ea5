import type { BackupSchedule, BackupSet, OperationRun, ProviderConnection, Tenant, TenantMember } from './generated/client.ts';

/**
 * Rows read as `to_jsonb(table)` in raw SQL (to fetch several tables in one round trip),
 * turned into the same objects Prisma returns: snake_case columns become the model's
 * camelCase fields and the listed timestamp columns become Dates. A test compares every
 * mapper with Prisma's own read of the same row, so a new column cannot drift unnoticed.
 */
const fieldNames = new Map<string, string>();

function fieldName(column: string): string {
  let field = fieldNames.get(column);
  if (field === undefined) {
    field = column.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
    fieldNames.set(column, field);
  }
  return field;
}

function fromJsonRow<T>(json: unknown, dates: readonly (keyof T & string)[]): T {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new TypeError('expected a JSON row object');
  }
  const row: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(json)) row[fieldName(column)] = value;
  for (const field of dates) {
    const value = row[field];
    row[field] = typeof value === 'string' ? new Date(value) : null;
  }
  return row as T;
}

function mapper<T>(dates: readonly (keyof T & string)[]) {
  return (json: unknown): T => fromJsonRow<T>(json, dates);
}

export const jsonRow = {
  tenant: mapper<Tenant>(['createdAt', 'updatedAt']),
  member: mapper<TenantMember>(['createdAt', 'updatedAt']),
  connection: mapper<ProviderConnection>(['lastVerifiedAt', 'createdAt', 'updatedAt']),
  run: mapper<OperationRun>(['createdAt', 'startedAt', 'finishedAt', 'updatedAt']),
  schedule: mapper<BackupSchedule>(['nextSlotAt', 'createdAt', 'updatedAt']),
  backupSet: mapper<BackupSet>(['createdAt']),
};
