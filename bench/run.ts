// `npm run bench [-- name...]`: prints the machine it runs on, then runs every bench/*-bench.ts
// (or those whose name contains one of the arguments) one after another, each in its own
// process (`node --import tsx bench/<file>`) so one benchmark's pools, workers or embedded
// server cannot skew the next. Exits non-zero when any benchmark fails.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeUrl, parseBenchEnv } from './lib/bench-env.ts';
import { formatTable, printSection } from './lib/table.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const projectDir = path.dirname(benchDir);

const env = parseBenchEnv(process.env);

async function benchmarkFiles(filters: string[]): Promise<string[]> {
  const files = (await readdir(benchDir)).filter((name) => name.endsWith('-bench.ts')).sort();
  return filters.length === 0 ? files : files.filter((name) => filters.some((filter) => name.includes(filter)));
}

function runFile(file: string): Promise<{ code: number; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('bench', file)], { cwd: projectDir, stdio: 'inherit' });
    const done = (code: number) => resolve({ code, seconds: (performance.now() - started) / 1000 });
    child.on('error', (error) => {
      process.stderr.write(`could not start ${file}: ${error.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
  });
}

async function main(): Promise<number> {
  const cpus = os.cpus();
  printSection('Operate Hub benchmarks');
  process.stdout.write([
    `date:     ${new Date().toISOString()}`,
    `node:     ${process.version} on ${os.platform()} ${os.release()} (${os.arch()})`,
    `cpu:      ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown'}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other work skews results)`,
    `memory:   ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `database: ${env.DATABASE_URL ? `DATABASE_URL ${describeUrl(env.DATABASE_URL)} (each benchmark creates and drops its own database)` : 'embedded PostgreSQL in a temp folder (DATABASE_URL unset)'}`,
    '',
  ].join('\n'));
  const files = await benchmarkFiles(process.argv.slice(2));
  if (files.length === 0) {
    process.stderr.write(`no bench/*-bench.ts matches ${process.argv.slice(2).join(' ')}\n`);
    return 1;
  }
  const results: (string | number)[][] = [];
  for (const file of files) {
    const { code, seconds } = await runFile(file);
    results.push([file, code === 0 ? 'ok' : `FAILED (exit ${code})`, seconds.toFixed(1)]);
  }
  printSection('Summary');
  process.stdout.write(`${formatTable([{ title: 'benchmark' }, { title: 'result' }, { title: 'seconds', align: 'right' }], results)}\n`);
  return results.some((row) => row[1] !== 'ok') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
