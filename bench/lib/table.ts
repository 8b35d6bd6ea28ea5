/** A column: its heading and whether values align right (numbers). */
export interface Column {
  title: string;
  align?: 'left' | 'right';
}

/** Renders rows as a plain-text table with a rule under the heading. */
export function formatTable(columns: Column[], rows: (string | number)[][]): string {
  const cells = rows.map((row) => columns.map((_, i) => cellText(row[i])));
  const widths = columns.map((column, i) => Math.max(column.title.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const pad = (text: string, i: number) => (columns[i]?.align === 'right' ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0));
  const line = (values: string[]) => values.map(pad).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function printTable(title: string, columns: Column[], rows: (string | number)[][]): void {
  process.stdout.write(`\n${title}\n${formatTable(columns, rows)}\n`);
}

export function printSection(title: string): void {
  process.stdout.write(`\n${'='.repeat(title.length)}\n${title}\n${'='.repeat(title.length)}\n`);
}

/** Milliseconds with 2 decimals below 10 ms, 1 above. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

function cellText(value: string | number | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'number' ? String(Math.round(value)) : value;
}
