import type { OperationType } from '../../services/operations/registry.ts';
import type { OperationHandler } from '../handler.ts';
import { backupHandler } from './backup.ts';
import { providerConnectionVerify } from './provider-connection-verify.ts';
import { restorePreviewHandler } from './restore-preview.ts';
import { restoreExecuteHandler } from './restore-execute.ts';
import { inventorySyncHandler } from './inventory-sync.ts';
import { directoryGroupsSyncHandler } from './directory-groups-sync.ts';

/** Exactly one handler per operation type (a test holds this). */
export const handlers: Record<OperationType, OperationHandler> = {
  'provider_connection.verify': providerConnectionVerify,
  'inventory.sync': inventorySyncHandler,
  'directory_groups.sync': directoryGroupsSyncHandler,
  'backup_schedule.run_now': backupHandler,
  'backup_schedule.retry': backupHandler,
  'backup_schedule.scheduled': backupHandler,
  'restore.preview': restorePreviewHandler,
  'restore.execute': restoreExecuteHandler,
};
