/**
 * A postmortem's raw material, rendered: an incident's timeline and the changes made before it
 * started, as markdown to paste into a document or as CSV for a spreadsheet. Pure functions of what
 * the server answered.
 */
import type { ContextResult, Event } from '@ballast/contract';
import { csv } from './csv.js';
import { formatDuration } from './time.js';

export interface Postmortem {
  /** Set when an incident is exported; absent when one event's context is. */
  incidentId?: string;
  /** Oldest first; the first is the start the changes are measured from. */
  timeline: Event[];
  context: ContextResult;
}

type Relation = ContextResult['changes'][number]['relation'];

/** In the server's order of likely cause: the service itself, what it depends on, then the rest. */
const RELATIONS: { relation: Relation; heading: string }[] = [
  { relation: 'same_service', heading: 'Same service' },
  { relation: 'dependency', heading: 'Dependencies' },
  { relation: 'environment', heading: 'Elsewhere in the environment' },
];

/** Oldest first; events at the same instant in the order they were stored. */
export const oldestFirst = (a: Event, b: Event): number =>
  Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.seq - b.seq;

/** Text in a table cell: one line, and nothing markdown would read as formatting or a column break. */
export const mdText = (s: string): string => s.replace(/\s+/g, ' ').replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);

const URL_ESCAPES: Record<string, string> = { '(': '%28', ')': '%29', '|': '%7C', ' ': '%20' };

/** A link whose URL cannot end the link early or break the table. */
const mdLink = (l: Event['links'][number]): string =>
  `[${mdText(l.text ?? l.rel)}](${l.url.replace(/[()| ]/g, (c) => URL_ESCAPES[c]!)})`;

const mdTable = (header: string[], rows: string[][]): string[] => [
  `| ${header.join(' | ')} |`,
  `|${header.map(() => ' --- ').join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
];

const links = (e: Event): string => e.links.map(mdLink).join(', ');

export function postmortemMarkdown(p: Postmortem): string {
  const start = p.context.event;
  const last = p.timeline[p.timeline.length - 1] ?? start;
  const what = p.incidentId !== undefined ? 'the incident' : 'the event';
  const lines: string[] = [
    `# ${mdText(p.incidentId !== undefined ? `Incident ${p.incidentId}` : start.title)}`,
    '',
    `- Started: ${start.occurredAt}: ${mdText(start.title)}`,
  ];
  if (start.service) {
    lines.push(`- Service: ${mdText(start.service)}${start.environment ? ` in ${mdText(start.environment)}` : ''}`);
  }
  if (last.id !== start.id) {
    const status = last.status ? ` (${last.status})` : '';
    const after = formatDuration(Date.parse(last.occurredAt) - Date.parse(start.occurredAt));
    lines.push(`- Last update: ${last.occurredAt}${status}, ${after} after the start`);
  }
  lines.push(
    '',
    '## Timeline',
    '',
    ...mdTable(
      ['Time', 'Status', 'Title', 'Links'],
      p.timeline.map((e) => [e.occurredAt, e.status ?? '', mdText(e.title), links(e)]),
    ),
    '',
    `## Changes before ${what}`,
    '',
  );
  const span = formatDuration(Date.parse(p.context.to) - Date.parse(p.context.from));
  lines.push(`Deploys, flag and config changes from ${p.context.from} to ${p.context.to} (${span} before the start).`);
  if (p.context.changes.length === 0) lines.push('', 'None were recorded.');
  for (const { relation, heading } of RELATIONS) {
    const changes = p.context.changes.filter((c) => c.relation === relation);
    if (changes.length === 0) continue;
    lines.push(
      '',
      `### ${heading}`,
      '',
      ...mdTable(
        ['Before', 'Time', 'Change', 'Service', 'Title', 'Links'],
        changes.map(({ before, event: e }) => [
          formatDuration(before),
          e.occurredAt,
          `${e.source}/${e.kind}${e.status ? ` ${e.status}` : ''}`,
          mdText(e.service ?? ''),
          mdText(e.title),
          links(e),
        ]),
      ),
    );
  }
  return lines.join('\n') + '\n';
}

export const CSV_HEADER = [
  'section',
  'relation',
  'before',
  'time',
  'ended',
  'source',
  'kind',
  'status',
  'severity',
  'service',
  'environment',
  'title',
  'links',
  'id',
  'seq',
];

/**
 * One row per event: the incident's (`section` incident; `event` when one event is exported), then
 * the changes before it (`section` change).
 */
export function postmortemCsv(p: Postmortem): string {
  const section = p.incidentId !== undefined ? 'incident' : 'event';
  const row = (section: string, e: Event, relation = '', before = ''): string[] => [
    section,
    relation,
    before,
    e.occurredAt,
    e.endedAt ?? '',
    e.source,
    e.kind,
    e.status ?? '',
    e.severity,
    e.service ?? '',
    e.environment ?? '',
    e.title,
    e.links.map((l) => `${l.rel}=${l.url}`).join(' '),
    e.id,
    String(e.seq),
  ];
  return csv([
    CSV_HEADER,
    ...p.timeline.map((e) => row(section, e)),
    ...p.context.changes.map((c) => row('change', c.event, c.relation, formatDuration(c.before))),
  ]);
}
