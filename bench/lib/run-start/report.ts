import { fixed, ms, printTable } from '../table.ts';
import { ratio, type Summary } from '../stats.ts';
import type { TraceProfile } from '../statement-trace.ts';
import type { PickupResult } from './pickup.ts';

export const START_TARGET = 1.5;
export const PICKUP_TARGET_MS = 100;

export interface LoadRow {
  scenario: string;
  how: string;
  summary: Summary;
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

export function printLoad(rows: LoadRow[]): void {
  printTable('Latency and throughput (closed loop; each caller starts its next call when the last resolves)', [
    { title: 'scenario' }, { title: 'callers', align: 'right' }, { title: 'ops', align: 'right' },
    { title: 'p50 ms', align: 'right' }, { title: 'p99 ms', align: 'right' }, { title: 'mean ms', align: 'right' },
    { title: 'ops/s', align: 'right' }, { title: 'how' },
  ], rows.map((r) => [r.scenario, r.summary.concurrency, r.summary.ops, ms(r.summary.p50), ms(r.summary.p99), ms(r.summary.mean), r.summary.opsPerSecond, r.how]));
}

export interface RatioInput {
  concurrency: number;
  insert: Summary;
  mechanism: Summary;
  startRun: Summary;
  startRunChat: Summary;
}

/** Ratios of p50s (and of throughput); PASS/MISS against startRun p50 <= 1.5x the mechanism floor. */
export function printRatios(levels: RatioInput[]): boolean {
  let allPass = true;
  const rows = levels.flatMap((l) => {
    const start = ratio(l.startRun.p50, l.mechanism.p50);
    const chat = ratio(l.startRunChat.p50, l.mechanism.p50);
    allPass &&= start <= START_TARGET;
    return [
      [String(l.concurrency), 'mechanism / insert', fixed(ratio(l.mechanism.p50, l.insert.p50)), fixed(ratio(l.insert.opsPerSecond, l.mechanism.opsPerSecond)), '-', ''],
      [String(l.concurrency), 'startRun / mechanism', fixed(start), fixed(ratio(l.mechanism.opsPerSecond, l.startRun.opsPerSecond)), `<= ${START_TARGET}`, verdict(start <= START_TARGET)],
      [String(l.concurrency), 'startRun (chat) / mechanism', fixed(chat), fixed(ratio(l.mechanism.opsPerSecond, l.startRunChat.opsPerSecond)), `<= ${START_TARGET}`, verdict(chat <= START_TARGET)],
    ];
  });
  printTable('Ratios (p50 ratio; throughput ratio = how many times fewer ops/s)', [
    { title: 'callers', align: 'right' }, { title: 'ratio' }, { title: 'p50', align: 'right' }, { title: 'ops/s', align: 'right' },
    { title: 'target' }, { title: 'verdict' },
  ], rows);
  return allPass;
}

export function printTraces(profiles: { scenario: string; profile: TraceProfile }[]): void {
  printTable('Round trips per call (sequential, traced at the pg driver; medians)', [
    { title: 'scenario' }, { title: 'round trips', align: 'right' }, { title: 'call p50 ms', align: 'right' },
    { title: 'in statements ms', align: 'right' }, { title: 'in Node ms', align: 'right' }, { title: 'irregular calls', align: 'right' },
  ], profiles.map(({ scenario, profile }) => {
    const inStatements = profile.steps.reduce((sum, step) => sum + step.p50, 0);
    return [scenario, profile.steps.length, ms(profile.p50), ms(inStatements), ms(profile.p50 - inStatements), `${profile.irregular}/${profile.calls}`];
  }));
  for (const { scenario, profile } of profiles.filter((p) => p.scenario.startsWith('startRun') || p.scenario.startsWith('(b)'))) {
    printTable(`${scenario}: statement by statement`, [{ title: '#', align: 'right' }, { title: 'statement' }, { title: 'p50 ms', align: 'right' }],
      profile.steps.map((step, i) => [i + 1, step.label, ms(step.p50)]));
  }
}

export function printPickup(result: PickupResult): boolean {
  const pass = result.endToEnd.p50 <= PICKUP_TARGET_MS;
  printTable(`Job pickup on an idle worker (${result.endToEnd.ops} samples, one run at a time)`, [
    { title: 'measure' }, { title: 'p50 ms', align: 'right' }, { title: 'p99 ms', align: 'right' }, { title: 'max ms', align: 'right' },
    { title: 'target' }, { title: 'verdict' },
  ], [
    ['startRun called -> handler begins', ms(result.endToEnd.p50), ms(result.endToEnd.p99), ms(result.endToEnd.max), `p50 <= ${PICKUP_TARGET_MS} ms`, verdict(pass)],
    ['startRun committed -> handler begins', ms(result.afterCommit.p50), ms(result.afterCommit.p99), ms(result.afterCommit.max), '', ''],
  ]);
  return pass;
}
