import type { Db } from '../db/client.ts';

/** Jobs waiting (created or retry) per operation queue, for /metrics. */
export async function queueDepths(db: Db): Promise<Record<string, number>> {
  const rows = await db.$queryRaw<{ name: string; depth: bigint }[]>`
    SELECT name, count(*) AS depth FROM pgboss.job WHERE state IN ('created', 'retry') AND name LIKE 'operation.%' GROUP BY name`;
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.depth)]));
}
