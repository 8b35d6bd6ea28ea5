import type { Db, Tx } from '../services/db/client.ts';
import type { Logger } from '../services/logger.ts';
import type { OperationRun } from '../services/runs/run-types.ts';
import type { RunFailure } from '../services/reason-codes.ts';
import type { Config } from '../services/config.ts';
import type { SecretKeyring } from '../services/secrets.ts';
import type { MicrosoftServices } from '../services/microsoft/services.ts';

/** What a handler gets: its run (already claimed), never a way to create another. */
export interface HandlerContext {
  run: OperationRun;
  db: Db;
  logger: Logger;
  config: Config;
  /** Decrypts provider secrets, only where a token is acquired. */
  keyring: SecretKeyring;
  /** Entra ID and Graph (transport, token caches, Graph clients); only handlers call Microsoft. */
  microsoft: MicrosoftServices;
  /** Aborted when the job expires, the type's time limit passes or the worker stops. */
  signal: AbortSignal;
  /** Writes progress into the run's summary (merged) while it is still ours. */
  progress(summary: Record<string, unknown>): Promise<void>;
  /** Throws RunCancelledError when the run was cancelled; call it between items. */
  checkCancelled(): Promise<void>;
}

export interface HandlerOutcome {
  status: 'succeeded' | 'partially_succeeded' | 'failed';
  summary?: Record<string, unknown>;
  failures?: RunFailure[];
  result?: unknown;
  /**
   * Writes that must commit with the run's final status (e.g. the connection's status
   * after a verification). Runs only when the finish is still ours.
   */
  commit?: (tx: Tx) => Promise<void>;
}

export type OperationHandler = (context: HandlerContext) => Promise<HandlerOutcome>;

export class RunCancelledError extends Error {
  constructor(runId: string) {
    super(`run ${runId} was cancelled`);
    this.name = 'RunCancelledError';
  }
}
