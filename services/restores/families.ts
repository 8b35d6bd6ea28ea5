/** The policy families a restore writes; every other family is planned as `skipped`. */
export const restoreFamilies = ['deviceConfigurations', 'deviceCompliancePolicies', 'deviceEnrollmentConfigurations'] as const;
export type RestoreFamily = (typeof restoreFamilies)[number];

export function isRestoreFamily(family: string): family is RestoreFamily {
  return (restoreFamilies as readonly string[]).includes(family);
}

/**
 * Families whose items are also told apart by `platformType` (split Android enrollment
 * restrictions share one name by design, one item per platform).
 */
const platformTyped: readonly string[] = ['deviceEnrollmentConfigurations'];

function field(payload: unknown, name: string): unknown {
  return payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>)[name] : undefined;
}

export function platformTypeOf(family: string, payload: unknown): string | null {
  const value = platformTyped.includes(family) ? field(payload, 'platformType') : undefined;
  return typeof value === 'string' ? value : null;
}

export function priorityOf(payload: unknown): number | null {
  const value = field(payload, 'priority');
  return typeof value === 'number' ? value : null;
}

/** The tenant's default enrollment configuration (priority 0): update in place only, never created. */
export function isDefaultConfiguration(family: string, priority: number | null): boolean {
  return family === 'deviceEnrollmentConfigurations' && priority === 0;
}

/**
 * What a restore matches on: (@odata.type, platform type where the family has one, display
 * name), within one family. Never the display name alone (IntuneCD #255, #123, #208).
 */
export function matchKey(item: { family: string; odataType: string | null; platformType: string | null; displayName: string }): string {
  return JSON.stringify([item.family, item.odataType ?? '', item.platformType ?? '', item.displayName]);
}
