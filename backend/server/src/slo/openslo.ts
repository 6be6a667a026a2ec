/**
 * OpenSLO v1 `SLO` (with inline `indicator` or `indicatorRef` to an `SLI` document) into native specs.
 * Prometheus metric sources only; ratio and threshold metrics; rolling and calendar-month windows;
 * Occurrences and Timeslices budgeting. Anything else is refused with its path.
 */
import type { SloSpec } from '@ballast/contract';
import { Reader, isPlainSelector, join } from './importReader.js';

type Sli = SloSpec['sli'];
type Metric = { kind: 'ratio'; good?: string; bad?: string; total: string } | { kind: 'threshold'; query: string };

const OPS: Record<string, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };
const ROLLING: Record<string, '7d' | '28d' | '30d'> = {
  '7d': '7d',
  '1w': '7d',
  '28d': '28d',
  '4w': '28d',
  '30d': '30d',
};

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

function query(r: Reader, v: unknown, path: string): string | undefined {
  const ms = r.object(v, path, ['metricSource']);
  if (!ms) return undefined;
  const src = r.object(ms.metricSource, join(path, 'metricSource'), ['type', 'spec']);
  if (!src) return undefined;
  const type = r.string(src.type, join(path, 'metricSource.type'));
  if (type !== undefined && type.toLowerCase() !== 'prometheus')
    r.fail(join(path, 'metricSource.type'), `only Prometheus metric sources are supported, not ${type}`);
  const spec = r.object(src.spec, join(path, 'metricSource.spec'), ['query', 'promql']);
  if (!spec) return undefined;
  return r.string(spec.query ?? spec.promql, join(path, 'metricSource.spec.query'));
}

function indicator(r: Reader, spec: unknown, path: string): Metric | undefined {
  const s = r.object(spec, path, ['ratioMetric', 'thresholdMetric'], ['description']);
  if (!s) return undefined;
  if (s.ratioMetric !== undefined) {
    const p = join(path, 'ratioMetric');
    const m = r.object(s.ratioMetric, p, ['counter', 'good', 'bad', 'total']);
    if (!m) return undefined;
    if (m.counter !== true)
      r.fail(join(p, 'counter'), 'only counters (counter: true) are supported: Ballast takes their rate');
    if ((m.good === undefined) === (m.bad === undefined)) return r.fail(p, 'give exactly one of good and bad');
    const total = query(r, m.total, join(p, 'total'));
    const good = m.good !== undefined ? query(r, m.good, join(p, 'good')) : undefined;
    const bad = m.bad !== undefined ? query(r, m.bad, join(p, 'bad')) : undefined;
    return total === undefined ? undefined : { kind: 'ratio', good, bad, total };
  }
  if (s.thresholdMetric !== undefined) {
    const q = query(r, s.thresholdMetric, join(path, 'thresholdMetric'));
    return q === undefined ? undefined : { kind: 'threshold', query: q };
  }
  return r.fail(path, 'needs ratioMetric or thresholdMetric');
}

/** The SLI of one objective: occurrences read the metric as is, time slices count good slices. */
function sliFor(
  r: Reader,
  metric: Metric,
  method: string,
  o: Record<string, unknown>,
  path: string,
  indicatorPath: string,
): Sli | undefined {
  if (method === 'Occurrences') {
    for (const k of ['timeSliceTarget', 'timeSliceWindow'] as const)
      if (o[k] !== undefined) r.fail(join(path, k), 'only with budgetingMethod Timeslices');
    if (metric.kind === 'ratio') {
      if (o.op !== undefined || o.value !== undefined)
        r.fail(join(path, o.op !== undefined ? 'op' : 'value'), 'a ratio metric takes no threshold');
      return { kind: 'ratio', good: metric.good, bad: metric.bad, total: metric.total };
    }
    // A threshold on occurrences is a histogram bucket: good events are those at or under `le`.
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*?)(_bucket)?(\{([^{}]*)\})?$/.exec(metric.query.trim());
    if (!m)
      return r.fail(
        join(indicatorPath, 'thresholdMetric.metricSource.spec.query'),
        'with Occurrences a threshold metric must name a histogram (metric_bucket{...}); use Timeslices for other queries',
      );
    if (o.op !== 'lte' && o.op !== 'lt')
      return r.fail(join(path, 'op'), 'a histogram threshold counts events at or under a bucket: op lte (or lt)');
    const value = r.number(o.value, join(path, 'value'));
    if (value === undefined) return undefined;
    const selector = (m[4] ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x && !/^le\s*=/.test(x))
      .join(',');
    return { kind: 'latency', metric: m[1]!, selector, le: String(value) };
  }
  // Timeslices: each slice is good or bad; the SLI is the share of good slices.
  const window = r.string(o.timeSliceWindow, join(path, 'timeSliceWindow'));
  if (window !== undefined && !/^\d+[smh]$/.test(window))
    r.fail(join(path, 'timeSliceWindow'), 'a duration such as 1m or 5m');
  if (window === undefined) return undefined;
  if (metric.kind === 'ratio') {
    const target = r.number(o.timeSliceTarget, join(path, 'timeSliceTarget'));
    if (target === undefined) return undefined;
    const rate = (q: string) => `sum(rate(${q}[${window}]))`;
    if (![metric.good, metric.bad, metric.total].every((q) => q === undefined || isPlainSelector(q)))
      return r.fail(join(indicatorPath, 'ratioMetric'), 'time slices of a ratio need counter selectors');
    const goodRatio = metric.good
      ? `${rate(metric.good)} / ${rate(metric.total)}`
      : `1 - ${rate(metric.bad!)} / ${rate(metric.total)}`;
    return { kind: 'boolean', query: `(${goodRatio}) >= bool ${target}`, resolution: window };
  }
  const op = typeof o.op === 'string' ? OPS[o.op] : undefined;
  if (!op) return r.fail(join(path, 'op'), 'one of lt, lte, gt, gte');
  const value = r.number(o.value, join(path, 'value'));
  if (value === undefined) return undefined;
  return { kind: 'boolean', query: `(${metric.query}) ${op} bool ${value}`, resolution: window };
}

export function fromOpenSlo(docs: unknown[]): SloSpec[] {
  const r = new Reader();
  const slis = new Map<string, { spec: unknown; path: string }>();
  const slos: { doc: Record<string, unknown>; path: string }[] = [];
  docs.forEach((d, i) => {
    const path = `documents.${i}`;
    const doc = r.object(d, path, ['apiVersion', 'kind', 'metadata', 'spec']);
    if (!doc) return;
    if (doc.apiVersion !== 'openslo/v1') return r.fail(join(path, 'apiVersion'), 'only openslo/v1 is supported');
    if (doc.kind === 'SLI') {
      const meta = r.object(doc.metadata, join(path, 'metadata'), ['name'], ['displayName', 'labels', 'annotations']);
      const name = meta && r.string(meta.name, join(path, 'metadata.name'));
      if (name) slis.set(name, { spec: doc.spec, path: join(path, 'spec') });
    } else if (doc.kind === 'SLO') slos.push({ doc, path });
    else if (doc.kind !== 'Service')
      r.fail(join(path, 'kind'), `only SLO, SLI and Service are supported, not ${String(doc.kind)}`);
  });
  if (slos.length === 0 && r.issues.length === 0) r.fail('documents', 'no SLO document found');

  const out: SloSpec[] = [];
  for (const { doc, path } of slos) {
    const meta = r.object(doc.metadata, join(path, 'metadata'), ['name', 'labels'], ['displayName', 'annotations']);
    const name = meta && r.string(meta.name, join(path, 'metadata.name'));
    const labels = meta ? r.stringMap(meta.labels, join(path, 'metadata.labels')) : {};
    const sp = join(path, 'spec');
    const spec = r.object(
      doc.spec,
      sp,
      ['service', 'indicator', 'indicatorRef', 'timeWindow', 'budgetingMethod', 'objectives', 'alertPolicies'],
      ['description'],
    );
    if (!spec || !name) continue;
    const service = r.string(spec.service, join(sp, 'service'));
    if (Array.isArray(spec.alertPolicies) ? spec.alertPolicies.length > 0 : spec.alertPolicies != null)
      r.fail(
        join(sp, 'alertPolicies'),
        'not supported: Ballast alerts with its burn-rate tiers (alerting in the native spec)',
      );

    let metric: Metric | undefined;
    let indicatorPath = join(sp, 'indicator.spec');
    if (spec.indicator !== undefined) {
      const ind = r.object(spec.indicator, join(sp, 'indicator'), ['spec'], ['metadata']);
      if (ind) metric = indicator(r, ind.spec, indicatorPath);
    } else if (typeof spec.indicatorRef === 'string') {
      const ref = slis.get(spec.indicatorRef);
      if (!ref) r.fail(join(sp, 'indicatorRef'), `no SLI document named ${spec.indicatorRef} in this import`);
      else {
        indicatorPath = ref.path;
        metric = indicator(r, ref.spec, ref.path);
      }
    } else r.fail(join(sp, 'indicator'), 'give indicator or indicatorRef');

    let period: SloSpec['period'] | undefined;
    const tw = spec.timeWindow;
    if (!Array.isArray(tw) || tw.length !== 1) r.fail(join(sp, 'timeWindow'), 'exactly one time window');
    else {
      const wp = join(sp, 'timeWindow.0');
      const w = r.object(tw[0], wp, ['duration', 'isRolling', 'calendar']);
      if (w) {
        const duration = r.string(w.duration, join(wp, 'duration'));
        if (w.isRolling === true) {
          if (w.calendar !== undefined) r.fail(join(wp, 'calendar'), 'only with isRolling: false');
          const window = duration ? ROLLING[duration] : undefined;
          if (duration && !window) r.fail(join(wp, 'duration'), 'rolling windows of 7d (1w), 28d (4w) or 30d');
          if (window) period = { kind: 'rolling', window };
        } else if (w.isRolling === false) {
          if (duration && duration !== '1M') r.fail(join(wp, 'duration'), 'calendar windows of one month (1M) only');
          const cal = r.object(w.calendar ?? {}, join(wp, 'calendar'), ['timeZone'], ['startTime']);
          const timeZone = cal ? (r.string(cal.timeZone, join(wp, 'calendar.timeZone'), false) ?? 'UTC') : 'UTC';
          period = { kind: 'calendar', unit: 'month', timeZone };
        } else r.fail(join(wp, 'isRolling'), 'must be true or false');
      }
    }

    const method = spec.budgetingMethod;
    if (method !== 'Occurrences' && method !== 'Timeslices')
      r.fail(join(sp, 'budgetingMethod'), 'Occurrences or Timeslices');
    const objectives = spec.objectives;
    if (!Array.isArray(objectives) || objectives.length === 0) {
      r.fail(join(sp, 'objectives'), 'at least one objective');
      continue;
    }
    objectives.forEach((raw, i) => {
      const op = join(sp, `objectives.${i}`);
      const o = r.object(
        raw,
        op,
        ['op', 'value', 'target', 'targetPercent', 'timeSliceTarget', 'timeSliceWindow'],
        ['displayName', 'name'],
      );
      if (!o) return;
      const target =
        o.target !== undefined
          ? r.number(o.target, join(op, 'target'))
          : o.targetPercent !== undefined
            ? Number(((r.number(o.targetPercent, join(op, 'targetPercent')) ?? NaN) / 100).toPrecision(12))
            : r.fail(join(op, 'target'), 'give target (0-1) or targetPercent');
      if (!metric || !service || !period || (method !== 'Occurrences' && method !== 'Timeslices')) return;
      const sli = sliFor(r, metric, method, o, op, indicatorPath);
      if (!sli || target === undefined) return;
      const label =
        typeof o.displayName === 'string' ? slug(o.displayName) : typeof o.name === 'string' ? slug(o.name) : '';
      const sloName = objectives.length === 1 ? name : `${name}-${label || i}`;
      out.push({
        id: slug(sloName),
        service,
        name: sloName,
        ...(typeof spec.description === 'string' && { description: spec.description.slice(0, 2048) }),
        objective: target,
        period,
        sli,
        labels,
      });
    });
  }
  r.check('OpenSLO');
  return out;
}
