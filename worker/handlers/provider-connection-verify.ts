import { failure } from '../../services/reason-codes.ts';
import { runContext } from '../../services/runs/run-types.ts';
import { verifyConnection } from '../../services/microsoft/verify.ts';
import { outcomeStatuses, verificationFailures, verificationSummary } from '../../services/microsoft/report.ts';
import type { OperationHandler } from '../handler.ts';

/**
 * provider_connection.verify: the report goes into the run's result; the connection's status
 * commits in the same transaction as the run's final status. A transient outcome
 * (throttling, outage, network) leaves the connection's status as it was.
 */
export const providerConnectionVerify: OperationHandler = async ({ run, db, logger, keyring, microsoft, signal }) => {
  const connectionId = runContext(run).provider_connection_id;
  const connection = connectionId ? await db.providerConnection.findFirst({ where: { id: connectionId, tenantId: run.tenantId } }) : null;
  if (!connection) return { status: 'failed', failures: [failure('not_found', 'The connection to verify no longer exists.')] };
  const report = await verifyConnection({ microsoft, keyring, logger, signal }, connection);
  const next = outcomeStatuses(report.outcome);
  logger.info({ outcome: report.outcome, connectionId: connection.id }, 'connection verified');
  return {
    status: next.run,
    summary: verificationSummary(report),
    failures: verificationFailures(report),
    result: report,
    ...(next.connection === null ? {} : {
      commit: async (tx) => {
        await tx.providerConnection.update({
          where: { id: connection.id },
          data: { status: next.connection ?? connection.status, lastVerificationRunId: run.id, lastVerifiedAt: new Date() },
        });
      },
    }),
  };
};
