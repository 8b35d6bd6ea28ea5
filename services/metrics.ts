import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics, one registry per process (built in the composition root). */
export function createMetrics() {
  const registry = new Registry();
  const runsStarted = new Counter({ name: 'operate_hub_runs_started_total', help: 'Runs created by startRun', labelNames: ['type'], registers: [registry] });
  const runsDeduplicated = new Counter({ name: 'operate_hub_runs_deduplicated_total', help: 'Starts answered with an existing run', labelNames: ['type'], registers: [registry] });
  const runsDenied = new Counter({ name: 'operate_hub_runs_denied_total', help: 'Starts refused by authorization', labelNames: ['type'], registers: [registry] });
  const jobDuration = new Histogram({
    name: 'operate_hub_job_duration_seconds', help: 'Handler duration by type and final status', labelNames: ['type', 'status'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800], registers: [registry],
  });
  const queueDepth = new Gauge({ name: 'operate_hub_queue_depth', help: 'Queued jobs per queue (sampled at scrape)', labelNames: ['queue'], registers: [registry] });
  return { registry, runsStarted, runsDeduplicated, runsDenied, jobDuration, queueDepth };
}

export type Metrics = ReturnType<typeof createMetrics>;
