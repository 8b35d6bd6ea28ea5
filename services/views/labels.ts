import { isReasonCode, reasonCodes } from '../reason-codes.ts';

export const typeLabels: Record<string, string> = {
  'provider_connection.verify': 'Connection verification',
  'inventory.sync': 'Inventory sync',
  'directory_groups.sync': 'Groups sync',
  'backup_schedule.run_now': 'Backup (run now)',
  'backup_schedule.retry': 'Backup retry',
  'backup_schedule.scheduled': 'Scheduled backup',
  'restore.preview': 'Restore preview',
  'restore.execute': 'Restore',
};

export const statusLabels: Record<string, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  partially_succeeded: 'Partially succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** A stored failure as shown: unknown (legacy or foreign) codes read as provider_unknown, keeping the original. */
export function describeReason(code: string): { reasonCode: string; originalCode?: string; userMessage: string; remediation: string; blocking: boolean } {
  if (isReasonCode(code)) {
    const info = reasonCodes[code];
    return { reasonCode: code, userMessage: info.userMessage, remediation: info.remediation, blocking: info.blocking };
  }
  const info = reasonCodes.provider_unknown;
  return { reasonCode: 'provider_unknown', originalCode: code, userMessage: info.userMessage, remediation: info.remediation, blocking: info.blocking };
}
