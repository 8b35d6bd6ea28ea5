import { AppError } from '../services/errors.ts';
import { ConfigError } from '../services/config.ts';

/** Prints rows as an aligned text table (or JSON with --json). */
export function printRows(rows: Record<string, unknown>[], columns: string[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : v instanceof Date ? v.toISOString() : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`${line(columns)}\n${rows.map((r) => line(columns.map((c) => cell(r[c])))).join('\n')}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One clear line on stderr and a non-zero exit; never a stack trace for expected errors. */
export function reportError(error: unknown): number {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  if (error instanceof AppError) {
    process.stderr.write(`error: ${error.userMessage}${error.code === 'internal_error' ? ` (${error.message})` : ''}\n`);
    return error.code === 'invalid_input' ? 2 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  return 1;
}
