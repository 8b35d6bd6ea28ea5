import type { Db } from '../../services/db/client.ts';

/** Every text/json column (application tables and pg-boss jobs) that contains `needle`. */
export async function columnsContaining(db: Db, needle: string): Promise<string[]> {
  const columns = await db.$queryRaw<{ table_schema: string; table_name: string; column_name: string }[]>`
    SELECT table_schema, table_name, column_name FROM information_schema.columns
    WHERE table_schema IN ('public', 'pgboss') AND data_type IN ('text', 'character varying', 'jsonb', 'json')`;
  const found: string[] = [];
  for (const { table_schema: schema, table_name: table, column_name: column } of columns) {
    const [row] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${schema}"."${table}" WHERE position($1 in "${column}"::text) > 0`, needle);
    if ((row?.n ?? 0) > 0) found.push(`${schema}.${table}.${column}`);
  }
  return found;
}
