/** Sloth `prometheus/v1` into native specs: event queries (with `{{.window}}`), page/ticket alerts as tiers. */
import type { SloSpec } from '@ballast/contract';
import { Reader, join } from './importReader.js';

const SEVERITIES = ['critical', 'high', 'warning', 'info'];

export function fromSloth(docs: unknown[]): SloSpec[] {
  const r = new Reader();
  const out: SloSpec[] = [];
  docs.forEach((d, di) => {
    const base = docs.length === 1 ? '' : `documents.${di}`;
    const doc = r.object(d, base, ['version', 'service', 'labels', 'slos']);
    if (!doc) return;
    if (doc.version !== 'prometheus/v1') r.fail(join(base, 'version'), 'only prometheus/v1 is supported');
    const service = r.string(doc.service, join(base, 'service'));
    const common = r.stringMap(doc.labels, join(base, 'labels'));
    if (!Array.isArray(doc.slos) || doc.slos.length === 0) return r.fail(join(base, 'slos'), 'at least one SLO');
    doc.slos.forEach((raw: unknown, i: number) => {
      const p = join(base, `slos.${i}`);
      const s = r.object(raw, p, ['name', 'objective', 'description', 'labels', 'sli', 'alerting']);
      if (!s) return;
      const name = r.string(s.name, join(p, 'name'));
      const objective = r.number(s.objective, join(p, 'objective'));
      const sli = r.object(s.sli, join(p, 'sli'), ['events']);
      const events = sli && r.object(sli.events, join(p, 'sli.events'), ['error_query', 'total_query']);
      if (sli && sli.events === undefined) r.fail(join(p, 'sli'), 'only events SLIs (error_query and total_query)');
      const bad = events && r.string(events.error_query, join(p, 'sli.events.error_query'));
      const total = events && r.string(events.total_query, join(p, 'sli.events.total_query'));

      const tiers: NonNullable<NonNullable<SloSpec['alerting']>['tiers']> = {};
      let runbookUrl: string | undefined;
      const labels = { ...common, ...r.stringMap(s.labels, join(p, 'labels')) };
      if (s.alerting !== undefined) {
        const ap = join(p, 'alerting');
        // The alert name is Ballast's own (BallastSLOBurnRate), so `name` is read and dropped.
        const a = r.object(s.alerting, ap, ['labels', 'annotations', 'page_alert', 'ticket_alert'], ['name']);
        if (a) {
          Object.assign(labels, r.stringMap(a.labels, join(ap, 'labels')));
          const ann = r.object(
            a.annotations ?? {},
            join(ap, 'annotations'),
            ['runbook', 'runbook_url'],
            ['summary', 'description'],
          );
          const rb = ann?.runbook_url ?? ann?.runbook;
          if (rb !== undefined) runbookUrl = r.string(rb, join(ap, 'annotations.runbook_url'));
          for (const [key, names] of [
            ['page_alert', ['page_fast', 'page_slow']],
            ['ticket_alert', ['ticket_fast', 'ticket_slow']],
          ] as const) {
            if (a[key] === undefined) continue;
            const t = r.object(a[key], join(ap, key), ['disable', 'labels']);
            if (!t) continue;
            const tl = r.stringMap(t.labels, join(ap, `${key}.labels`));
            for (const k of Object.keys(tl))
              if (k !== 'severity')
                r.fail(join(ap, `${key}.labels.${k}`), 'per-tier labels other than severity are not supported');
            if (tl.severity !== undefined && !SEVERITIES.includes(tl.severity))
              r.fail(join(ap, `${key}.labels.severity`), `one of ${SEVERITIES.join(', ')}`);
            for (const n of names)
              tiers[n] = {
                ...(t.disable === true && { enabled: false }),
                ...(tl.severity !== undefined &&
                  SEVERITIES.includes(tl.severity) && { severity: tl.severity as 'critical' }),
              };
          }
        }
      }
      if (!name || objective === undefined || !service || !bad || !total) return;
      out.push({
        id: `${service}-${name}`.toLowerCase().replace(/[^a-z0-9._-]+/g, '-'),
        service,
        name,
        ...(typeof s.description === 'string' && { description: s.description }),
        // Sloth objectives are percentages; its default period is 30 days.
        objective: Number((objective / 100).toPrecision(12)),
        period: { kind: 'rolling', window: '30d' },
        sli: { kind: 'ratio', bad, total },
        alerting: { tiers },
        labels,
        ...(runbookUrl !== undefined && { runbookUrl }),
      });
    });
  });
  r.check('Sloth');
  return out;
}
