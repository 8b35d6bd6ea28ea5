/**
 * The columns besides (type, name) that tell enrollment configurations apart: split Android
 * restrictions share one name and differ by platformType; priority 0 is the tenant default
 * (update in place only). Restore computes the same keys from backed-up payloads.
 */
export interface InventoryKeys {
  platformType: string | null;
  priority: number | null;
}

export function inventoryKeys(family: string, payload: Record<string, unknown>): InventoryKeys {
  if (family !== 'deviceEnrollmentConfigurations') return { platformType: null, priority: null };
  return {
    platformType: typeof payload.platformType === 'string' ? payload.platformType : null,
    priority: typeof payload.priority === 'number' && Number.isInteger(payload.priority) ? payload.priority : null,
  };
}
