import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Db } from '../../services/db/client.ts';
import { percentile } from './stats.ts';

/** One client/server round trip as the pg driver saw it. */
export interface TracedStatement {
  label: string;
  ms: number;
}

export interface TracedCall {
  /** Wall time of the whole call. */
  ms: number;
  statements: TracedStatement[];
}

/** Per position in the call's statement sequence: what ran and its median time. */
export interface TraceProfile {
  calls: number;
  /** Median wall time of the call. */
  p50: number;
  steps: { label: string; p50: number }[];
  /** Calls whose statement sequence differed from the first call's. */
  irregular: number;
}

type QueryFn = (...args: unknown[]) => unknown;

/** "SELECT tenant_members", "INSERT pgboss.job", "BEGIN"... from a statement's SQL. */
export function statementLabel(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  const target = /\b(?:FROM|INTO|UPDATE)\s+((?:"?\w+"?\.)?"?\w+"?)/i.exec(text)?.[1]?.replace(/"/g, '').replace(/^public\./, '');
  const verb = /\b(INSERT|UPDATE|DELETE|SELECT)\b/i.exec(text)?.[1]?.toUpperCase();
  if (!verb || !target) return text.slice(0, 40);
  return `${verb} ${target}`;
}

/**
 * A Prisma client (the production driver adapter, on our own pg pool) that records every
 * round trip a pooled connection makes, so a call can be broken down statement by statement.
 * For sequential use: calls must not overlap while one is traced.
 */
export function createTracedPrisma(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Idle clients are terminated when the bench drops its database: expected, not a crash.
  pool.on('error', () => undefined);
  let current: TracedStatement[] | undefined;
  pool.on('connect', (client) => {
    const target = client as unknown as { query: QueryFn };
    const original = target.query.bind(client) as QueryFn;
    target.query = (...args: unknown[]) => {
      const first = args[0];
      const sql = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '?');
      const sink = current;
      const started = performance.now();
      const record = () => sink?.push({ label: statementLabel(sql), ms: performance.now() - started });
      const last = args.at(-1);
      if (typeof last === 'function') {
        args[args.length - 1] = (...callbackArgs: unknown[]) => {
          record();
          return (last as QueryFn)(...callbackArgs);
        };
        return original(...args);
      }
      const result = original(...args);
      if (result instanceof Promise) result.then(record, record);
      return result;
    };
  });
  const db: Db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    db,
    async trace(call: () => Promise<unknown>): Promise<TracedCall> {
      const statements: TracedStatement[] = [];
      current = statements;
      const started = performance.now();
      try {
        await call();
      } finally {
        current = undefined;
      }
      return { ms: performance.now() - started, statements };
    },
    async close(): Promise<void> {
      await db.$disconnect();
      await pool.end();
    },
  };
}

/** Medians per statement position over calls sharing the first call's sequence. */
export function profileCalls(calls: TracedCall[]): TraceProfile {
  const shape = (call: TracedCall) => call.statements.map((s) => s.label).join('|');
  const reference = calls[0];
  const regular = calls.filter((call) => reference && shape(call) === shape(reference));
  const median = (values: number[]) => percentile(Float64Array.from(values).sort(), 50);
  return {
    calls: calls.length,
    p50: median(calls.map((call) => call.ms)),
    steps: (reference?.statements ?? []).map((step, i) => ({
      label: step.label,
      p50: median(regular.map((call) => call.statements[i]?.ms ?? Number.NaN)),
    })),
    irregular: calls.length - regular.length,
  };
}
