/** Human output: aligned columns a person can scan and `grep`/`awk` can cut. */
import type { ApiKey, Event, IngestResult } from '@ballast/contract';

/** Pads every column but the last to its widest cell. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** One line per event: time, severity, source/kind, service, title. */
export function eventLines(events: Event[]): string[] {
  return table(
    events.map((e) => [
      e.occurredAt,
      e.severity,
      `${e.source}/${e.kind}`,
      e.service ?? '-',
      e.title.replace(/\s+/g, ' '),
    ]),
  );
}

export function ingestLines(result: IngestResult, batch: boolean): string[] {
  const rows = result.results.map((r) => [
    r.status,
    ...(batch ? [`#${r.index}`] : []),
    r.id,
    `seq ${r.seq}`,
    r.status === 'duplicate' ? '(already stored with this dedupe key; nothing new stored)' : '',
  ]);
  const lines = table(rows);
  if (batch)
    lines.push(`${result.created} created, ${result.duplicates} duplicate${result.duplicates === 1 ? '' : 's'}`);
  return lines;
}

export function keyState(key: ApiKey, now: Date): string {
  if (key.revokedAt) return `revoked ${key.revokedAt}`;
  if (key.expiresAt)
    return Date.parse(key.expiresAt) <= now.getTime() ? `expired ${key.expiresAt}` : `expires ${key.expiresAt}`;
  return 'active';
}

export const keySummary = (key: ApiKey): string =>
  `${key.id} "${key.name}" (role ${key.role}${key.kind === 'standard' ? '' : `, kind ${key.kind}`}, services ${key.services.join(', ')})`;

/** The secret alone on its line, so it can be copied, and said plainly to be shown once. */
export function secretLines(secret: string, why = 'only its hash is stored'): string[] {
  return ['', `  Secret (shown once; ${why}, so save it now):`, `    ${secret}`, ''];
}
