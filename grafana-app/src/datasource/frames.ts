// Events and annotations from the API as Grafana data frames.
import type { Annotation, Event } from '@ballast/contract';
import { FieldType, createDataFrame, type DataFrame } from '@grafana/data';

const LEVEL: Record<string, string> = { critical: 'critical', high: 'error', warning: 'warning', info: 'info' };

/** Events, newest first, as a table (or a logs frame: time, body, level). */
export function eventsFrame(events: Event[], refId: string, format: 'table' | 'logs' = 'table'): DataFrame {
  const time = events.map((e) => Date.parse(e.occurredAt));
  if (format === 'logs') {
    return createDataFrame({
      refId,
      name: 'events',
      meta: { preferredVisualisationType: 'logs' },
      fields: [
        { name: 'time', type: FieldType.time, values: time },
        { name: 'body', type: FieldType.string, values: events.map((e) => `[${e.kind}] ${e.title}`) },
        { name: 'level', type: FieldType.string, values: events.map((e) => LEVEL[e.severity] ?? 'info') },
        { name: 'id', type: FieldType.string, values: events.map((e) => e.id) },
        {
          name: 'labels',
          type: FieldType.other,
          values: events.map((e) => ({
            service: e.service ?? '',
            environment: e.environment ?? '',
            source: e.source,
            kind: e.kind,
            ...e.tags,
          })),
        },
      ],
    });
  }
  return createDataFrame({
    refId,
    name: 'events',
    meta: { preferredVisualisationType: 'table' },
    fields: [
      { name: 'time', type: FieldType.time, values: time },
      {
        name: 'timeEnd',
        type: FieldType.time,
        values: events.map((e) => (e.endedAt ? Date.parse(e.endedAt) : null)),
      },
      { name: 'title', type: FieldType.string, values: events.map((e) => e.title) },
      { name: 'service', type: FieldType.string, values: events.map((e) => e.service ?? '') },
      { name: 'environment', type: FieldType.string, values: events.map((e) => e.environment ?? '') },
      { name: 'source', type: FieldType.string, values: events.map((e) => e.source) },
      { name: 'kind', type: FieldType.string, values: events.map((e) => e.kind) },
      { name: 'severity', type: FieldType.string, values: events.map((e) => e.severity) },
      { name: 'status', type: FieldType.string, values: events.map((e) => e.status ?? '') },
      { name: 'actor', type: FieldType.string, values: events.map((e) => e.actor.name ?? e.actor.id) },
      { name: 'link', type: FieldType.string, values: events.map((e) => e.links[0]?.url ?? '') },
      { name: 'id', type: FieldType.string, values: events.map((e) => e.id) },
    ],
  });
}

/** Annotations in the frame shape Grafana turns into annotation events: regions where `timeEnd` is set. */
/** The most annotations one query may ask Ballast for (the API's own maximum of `limit`). */
export const ANNOTATION_LIMIT_MAX = 5000;

/**
 * Annotations as the frame Grafana draws them from. `truncated` (Ballast left the oldest out: more events
 * in the range, or ranges reaching into it, than `limit`) becomes a warning on the frame.
 */
export function annotationsFrame(
  annotations: Annotation[],
  refId: string,
  cut?: { truncated: boolean; limit: number },
): DataFrame {
  return createDataFrame({
    refId,
    name: 'annotations',
    meta: cut?.truncated
      ? {
          notices: [
            {
              severity: 'warning',
              text: `Ballast has more than ${cut.limit} events in this time range (or ranges begun before it): the oldest are not shown. Narrow the time range or the filters, or raise the query's limit (up to ${ANNOTATION_LIMIT_MAX}).`,
            },
          ],
        }
      : undefined,
    fields: [
      { name: 'time', type: FieldType.time, values: annotations.map((a) => a.time) },
      { name: 'timeEnd', type: FieldType.time, values: annotations.map((a) => a.timeEnd ?? a.time) },
      { name: 'isRegion', type: FieldType.boolean, values: annotations.map((a) => a.timeEnd !== undefined) },
      { name: 'title', type: FieldType.string, values: annotations.map((a) => a.title) },
      { name: 'text', type: FieldType.string, values: annotations.map(annotationText) },
      { name: 'tags', type: FieldType.other, values: annotations.map((a) => a.tags) },
      { name: 'id', type: FieldType.string, values: annotations.map((a) => a.eventIds[0] ?? '') },
    ],
  });
}

/** The server's text (description and markdown links) with the runbook link added when there is one. */
export function annotationText(a: Annotation): string {
  const parts = [a.text];
  if (a.open) parts.push('_still open_');
  if (a.runbook) parts.push(`Runbook: ${a.runbook.title}`);
  return parts.filter(Boolean).join('\n\n');
}

/** `a, b ,c` → ['a','b','c']; `$var` values come here already interpolated. */
export function splitList(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== '*' && s !== '$__all');
  return list.length ? list : undefined;
}
