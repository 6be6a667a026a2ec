/** OpenSLO v1 and Sloth prometheus/v1 into native specs; what Ballast cannot honour is refused by path. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SloSpec } from '@ballast/contract';
import { ApiError } from '../http/errors.js';
import { parseDocuments } from './importReader.js';
import { fromOpenSlo } from './openslo.js';
import { fromSloth } from './sloth.js';
import { buildRuleGroups, rulesYaml } from './rules.js';

const openslo = (text: string) => fromOpenSlo(parseDocuments(text));
const sloth = (text: string) => fromSloth(parseDocuments(text));
const refusedPaths = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return e.details.map((d) => `${d.path}: ${d.message}`);
    throw e;
  }
  throw new Error('expected a refusal');
};

const ratioSlo = `
apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-availability
  displayName: Web availability
  labels:
    team: web
spec:
  description: Requests that did not fail
  service: web
  indicator:
    metadata:
      name: web-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{job="web",code=~"5.."}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{job="web"}
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: availability
      target: 0.995
`;

const sliAndCalendarSlo = `
apiVersion: openslo/v1
kind: SLI
metadata:
  name: search-latency
spec:
  thresholdMetric:
    metricSource:
      type: prometheus
      spec:
        query: search_duration_seconds_bucket{job="search"}
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-speed
spec:
  service: search
  indicatorRef: search-latency
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar:
        startTime: 2026-01-01 00:00:00
        timeZone: Europe/Berlin
  budgetingMethod: Occurrences
  objectives:
    - displayName: fast
      op: lte
      value: 0.25
      targetPercent: 99
    - displayName: not slow
      op: lte
      value: 1
      target: 0.999
`;

const timeslices = `
apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-uptime
spec:
  service: api
  indicator:
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{code!~"5.."}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total
  timeWindow:
    - duration: 1w
      isRolling: true
  budgetingMethod: Timeslices
  objectives:
    - target: 0.99
      timeSliceTarget: 0.95
      timeSliceWindow: 1m
`;

const slothDoc = `
version: prometheus/v1
service: myservice
labels:
  owner: myteam
slos:
  - name: requests-availability
    objective: 99.9
    description: Common SLO based on availability for HTTP request responses.
    sli:
      events:
        error_query: sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))
    alerting:
      name: MyServiceHighErrorRate
      labels:
        category: availability
      annotations:
        runbook_url: https://runbooks.example.com/myservice
        summary: High error rate on 'myservice' requests responses
      page_alert:
        labels:
          severity: critical
      ticket_alert:
        disable: true
`;

describe('OpenSLO v1', () => {
  it('imports a ratio SLO with an inline indicator and a rolling window', () => {
    expect(openslo(ratioSlo)).toEqual([
      {
        id: 'web-availability',
        service: 'web',
        name: 'web-availability',
        description: 'Requests that did not fail',
        objective: 0.995,
        period: { kind: 'rolling', window: '28d' },
        sli: {
          kind: 'ratio',
          good: undefined,
          bad: 'http_requests_total{job="web",code=~"5.."}',
          total: 'http_requests_total{job="web"}',
        },
        labels: { team: 'web' },
      },
    ]);
  });

  it('imports a threshold SLI document as histogram buckets, one SLO per objective, over a calendar month', () => {
    const specs = openslo(sliAndCalendarSlo);
    expect(specs.map((s) => [s.id, s.objective, s.sli, s.period])).toEqual([
      [
        'search-speed-fast',
        0.99,
        { kind: 'latency', metric: 'search_duration_seconds', selector: 'job="search"', le: '0.25' },
        { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' },
      ],
      [
        'search-speed-not-slow',
        0.999,
        { kind: 'latency', metric: 'search_duration_seconds', selector: 'job="search"', le: '1' },
        { kind: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' },
      ],
    ]);
  });

  it('imports Timeslices as the share of good slices', () => {
    const [spec] = openslo(timeslices);
    expect(spec!.period).toEqual({ kind: 'rolling', window: '7d' });
    expect(spec!.sli).toEqual({
      kind: 'boolean',
      query: '(sum(rate(http_requests_total{code!~"5.."}[1m])) / sum(rate(http_requests_total[1m]))) >= bool 0.95',
      resolution: '1m',
    });
  });

  it.each([
    [
      'an unknown field',
      ratioSlo.replace('  budgetingMethod:', '  owner: me\n  budgetingMethod:'),
      'documents.0.spec.owner: not supported by Ballast',
    ],
    [
      'a non-Prometheus source',
      ratioSlo.replace('type: Prometheus', 'type: Datadog'),
      'documents.0.spec.indicator.spec.ratioMetric.bad.metricSource.type: only Prometheus metric sources are supported, not Datadog',
    ],
    [
      'a gauge ratio',
      ratioSlo.replace('counter: true', 'counter: false'),
      'documents.0.spec.indicator.spec.ratioMetric.counter: only counters (counter: true) are supported: Ballast takes their rate',
    ],
    [
      'a two-week window',
      ratioSlo.replace('duration: 28d', 'duration: 2w'),
      'documents.0.spec.timeWindow.0.duration: rolling windows of 7d (1w), 28d (4w) or 30d',
    ],
    [
      'RatioTimeslices',
      ratioSlo.replace('Occurrences', 'RatioTimeslices'),
      'documents.0.spec.budgetingMethod: Occurrences or Timeslices',
    ],
    [
      'alert policies',
      ratioSlo + '  alertPolicies:\n    - fast-burn\n',
      'documents.0.spec.alertPolicies: not supported: Ballast alerts with its burn-rate tiers (alerting in the native spec)',
    ],
    [
      'a missing SLI document',
      sliAndCalendarSlo.replace('indicatorRef: search-latency', 'indicatorRef: nope'),
      'documents.1.spec.indicatorRef: no SLI document named nope in this import',
    ],
    [
      'a threshold above a bucket',
      sliAndCalendarSlo.replace('op: lte\n      value: 0.25', 'op: gt\n      value: 0.25'),
      'documents.1.spec.objectives.0.op: a histogram threshold counts events at or under a bucket: op lte (or lt)',
    ],
    [
      'another apiVersion',
      ratioSlo.replace('openslo/v1', 'openslo/v2alpha'),
      'documents.0.apiVersion: only openslo/v1 is supported',
    ],
  ])('refuses %s with its path', (_, text, detail) => {
    expect(refusedPaths(() => openslo(text))).toContain(detail);
  });

  it('refuses YAML it cannot parse', () => {
    expect(refusedPaths(() => openslo('kind: [unclosed'))[0]).toMatch(/^document: document 0: /);
  });
});

describe('Sloth prometheus/v1', () => {
  it('imports event queries as templates, page and ticket alerts as tiers', () => {
    expect(sloth(slothDoc)).toEqual([
      {
        id: 'myservice-requests-availability',
        service: 'myservice',
        name: 'requests-availability',
        description: 'Common SLO based on availability for HTTP request responses.',
        objective: 0.999,
        period: { kind: 'rolling', window: '30d' },
        sli: {
          kind: 'ratio',
          bad: 'sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))',
          total: 'sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))',
        },
        alerting: {
          tiers: {
            page_fast: { severity: 'critical' },
            page_slow: { severity: 'critical' },
            ticket_fast: { enabled: false },
            ticket_slow: { enabled: false },
          },
        },
        labels: { owner: 'myteam', category: 'availability' },
        runbookUrl: 'https://runbooks.example.com/myservice',
      },
    ]);
  });

  it.each([
    [
      'a raw SLI',
      slothDoc.replace(/sli:\n {6}events:/, 'sli:\n      raw:'),
      'slos.0.sli.raw: not supported by Ballast',
    ],
    [
      'a plugin SLI',
      slothDoc.replace(/sli:\n {6}events:/, 'sli:\n      plugin:'),
      'slos.0.sli.plugin: not supported by Ballast',
    ],
    [
      'another version',
      slothDoc.replace('prometheus/v1', 'sloth.slok.dev/v1'),
      'version: only prometheus/v1 is supported',
    ],
    [
      'per-tier labels',
      slothDoc.replace('severity: critical', 'severity: critical\n          routing_key: myteam'),
      'slos.0.alerting.page_alert.labels.routing_key: per-tier labels other than severity are not supported',
    ],
    [
      'a severity Ballast does not know',
      slothDoc.replace('severity: critical', 'severity: pageteam'),
      'slos.0.alerting.page_alert.labels.severity: one of critical, high, warning, info',
    ],
  ])('refuses %s with its path', (_, text, detail) => {
    expect(refusedPaths(() => sloth(text))).toContain(detail);
  });
});

describe('imported specs make rules promtool accepts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('for every SLI an import can produce', async () => {
    const specs = [...openslo(ratioSlo), ...openslo(sliAndCalendarSlo), ...openslo(timeslices), ...sloth(slothDoc)];
    const groups = specs.flatMap((s) => {
      const parsed = SloSpec.parse(s);
      return buildRuleGroups({ ...parsed, id: parsed.id! })!;
    });
    const file = join(dir, 'imported.rules.yml');
    writeFileSync(file, rulesYaml(groups));
    const res = await promisify(execFile)('promtool', ['check', 'rules', file]).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    expect(res.stdout + res.stderr).toMatch(/SUCCESS: \d+ rules found/);
  });
});
