import type { PgBoss } from 'pg-boss';
import { operationDefinition, operationTypes, queueName, type OperationType } from '../operations/registry.ts';

export interface QueueOverrides {
  expireInSeconds?: number;
  timeoutSeconds?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
}

/** The job options each type's queue is created with (tests shorten expiry and backoff). */
export function queuePolicy(type: OperationType, overrides?: QueueOverrides) {
  const definition = operationDefinition(type);
  return {
    expireInSeconds: overrides?.expireInSeconds ?? definition.expireInSeconds,
    timeoutSeconds: overrides?.timeoutSeconds ?? definition.timeoutSeconds,
    retryLimit: overrides?.retryLimit ?? definition.retryLimit,
    retryDelay: overrides?.retryDelaySeconds ?? 2,
  };
}

/**
 * Creates the missing queues, one per operation type, with LISTEN/NOTIFY pickup. Workers
 * pass `update` so the queue options follow the definitions (or the test overrides).
 */
export async function ensureQueues(boss: PgBoss, overrides?: QueueOverrides, options?: { update?: boolean }): Promise<void> {
  for (const type of operationTypes) {
    const policy = queuePolicy(type, overrides);
    const queueOptions = {
      expireInSeconds: policy.expireInSeconds,
      retryLimit: policy.retryLimit,
      retryDelay: policy.retryDelay,
      retryBackoff: true,
      retryDelayMax: 300,
      deleteAfterSeconds: 7 * 24 * 3600,
      notify: true,
    };
    const name = queueName(type);
    const exists = (await boss.getQueue(name)) !== null;
    if (!exists) await boss.createQueue(name, queueOptions);
    else if (options?.update) await boss.updateQueue(name, queueOptions);
  }
}
