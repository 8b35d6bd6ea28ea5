/** Latency figures of one measured batch (milliseconds, operations per second). */
export interface Summary {
  ops: number;
  concurrency: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
  opsPerSecond: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100); NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function summarize(latenciesMs: ArrayLike<number>, wallMs: number, concurrency: number): Summary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    ops: sorted.length,
    concurrency,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length ? total / sorted.length : Number.NaN,
    max: sorted.length ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
    opsPerSecond: wallMs > 0 ? (sorted.length / wallMs) * 1000 : Number.NaN,
  };
}

export interface LoadOptions {
  ops: number;
  concurrency: number;
  /** Operations run (at the same concurrency) and discarded before measuring. */
  warmup: number;
}

/** Drives `count` calls from `concurrency` closed-loop callers; returns the wall time. */
async function drive(op: (index: number) => Promise<unknown>, count: number, concurrency: number, latencies?: number[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    for (let i = next++; i < count; i = next++) {
      const callStarted = performance.now();
      await op(i);
      latencies?.push(performance.now() - callStarted);
    }
  }));
  return performance.now() - started;
}

/**
 * Runs `op` `ops` times from `concurrency` callers that each start their next call as soon as
 * the previous one resolves (closed loop), and summarizes the per-call latencies.
 */
export async function measureLoad(op: (index: number) => Promise<unknown>, options: LoadOptions): Promise<Summary> {
  return (await measureInterleaved({ op }, { ...options, rounds: 1 })).op as Summary;
}

/**
 * Measures several operations in alternating rounds (A B C, B C A, C A B, ...), each round a slice of
 * `ops`, so a change in background load (a shared machine) hits every operation alike and their
 * ratios stay meaningful. Warm-up runs each operation once, before the first round.
 */
export async function measureInterleaved<K extends string>(
  ops: Record<K, (index: number) => Promise<unknown>>,
  options: LoadOptions & { rounds: number },
): Promise<Record<K, Summary>> {
  const keys = Object.keys(ops) as K[];
  const latencies = new Map<K, number[]>(keys.map((k) => [k, []]));
  const wall = new Map<K, number>(keys.map((k) => [k, 0]));
  for (const key of keys) await drive(ops[key], options.warmup, options.concurrency);
  for (let round = 0; round < options.rounds; round += 1) {
    const count = Math.floor(options.ops / options.rounds) + (round < options.ops % options.rounds ? 1 : 0);
    // Rotate who goes first: a scenario never always follows the same one (whose writes
    // may leave autovacuum, a checkpoint or pg-boss maintenance running behind it).
    for (const key of keys.map((_, i) => keys[(i + round) % keys.length] as K)) {
      const elapsed = await drive(ops[key], count, options.concurrency, latencies.get(key));
      wall.set(key, (wall.get(key) ?? 0) + elapsed);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, summarize(latencies.get(k) ?? [], wall.get(k) ?? 0, options.concurrency)])) as Record<K, Summary>;
}

export function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : Number.NaN;
}
