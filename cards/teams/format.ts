/** Text helpers shared by the Teams card renderers (pure, no I/O). */

export interface Fact {
  title: string;
  value: string;
}

/** `2026-11-27T07:14:54.123Z` -> `2026-11-27 07:14 UTC` (cards show UTC; Teams has no per-viewer zone here). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** Cuts long text so one runaway message cannot push a card over Teams' size limit. */
export function clip(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/** `last_verified_at` / `itemsDone` -> `Last verified at` / `Items done`. */
export function humanize(key: string): string {
  const spaced = key.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function factValue(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.length > 0 ? value.join(', ') : 'none';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length > 0 && entries.every(([, v]) => typeof v === 'number' || typeof v === 'string')) return entries.map(([k, v]) => `${v} ${humanize(k).toLowerCase()}`).join(', ');
  }
  return undefined;
}

/** A JSON object's flat entries as facts (deeper values are left to the run's report). */
export function primitiveFacts(record: Record<string, unknown>, options: { skip?: readonly string[]; max: number }): Fact[] {
  const facts: Fact[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (options.skip?.includes(key)) continue;
    const text = factValue(value);
    if (text === undefined) continue;
    facts.push({ title: humanize(key), value: clip(text, 160) });
    if (facts.length >= options.max) break;
  }
  return facts;
}

export type TextColor = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

export const statusColors: Record<string, TextColor> = {
  queued: 'Accent',
  running: 'Accent',
  succeeded: 'Good',
  partially_succeeded: 'Warning',
  failed: 'Attention',
  cancelled: 'Default',
};
