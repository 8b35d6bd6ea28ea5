import { z } from 'zod/v4';

const positiveInt = (fallback: number) =>
  z.preprocess((v) => (v === '' || v === undefined ? String(fallback) : v), z.coerce.number().int().positive());

/** The benchmarks' own settings, validated once by each bench entry point. */
export const benchEnvSchema = z.object({
  DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().startsWith('postgres').optional()),
  /** Measured operations per scenario and concurrency level. */
  BENCH_OPS: positiveInt(1000),
  /** Discarded operations before each measurement. */
  BENCH_WARMUP: positiveInt(100),
  /** Idle-worker pickup samples. */
  BENCH_PICKUP_SAMPLES: positiveInt(100),
});

export type BenchEnv = z.infer<typeof benchEnvSchema>;

export function parseBenchEnv(env: Record<string, string | undefined>): BenchEnv {
  const parsed = benchEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')} ${issue.message}`).join('\n');
    throw new Error(`Invalid benchmark settings:\n${problems}`);
  }
  return parsed.data;
}

/** A database URL without its password, for printing. */
export function describeUrl(url: string): string {
  const parsed = new URL(url);
  parsed.password = parsed.password ? '***' : '';
  return parsed.toString();
}
