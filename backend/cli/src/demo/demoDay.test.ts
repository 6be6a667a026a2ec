import { describe, expect, it } from 'vitest';
import { EventInput, type ParsedEventInput } from '@ballast/contract';
import { DEMO_SERVICES, dayStart, demoDay } from './demoDay.js';

const DAY = '2026-01-30';
/** Map.groupBy arrived in Node 21; the project runs on 20. */
function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const item of items) m.set(key(item), [...(m.get(key(item)) ?? []), item]);
  return m;
}
const parsed = (day = DAY, end?: Date): ParsedEventInput[] => demoDay(day, end).map((e) => EventInput.parse(e));

describe('demoDay', () => {
  const events = parsed();
  const of = (kind: string) => events.filter((e) => e.kind === kind);

  it('gives only events the contract accepts', () => {
    for (const [i, e] of demoDay(DAY).entries()) {
      const r = EventInput.safeParse(e);
      expect(r.success, `event ${i}: ${r.error?.message}`).toBe(true);
    }
  });

  it('is the same for the same day and different for another day', () => {
    expect(demoDay(DAY)).toEqual(demoDay(DAY));
    const other = parsed('2026-01-31');
    expect(other.map((e) => e.title)).toEqual(events.map((e) => e.title));
    expect(other[0]!.dedupeKey).toBe('demo:2026-01-31:1');
    expect(other.map((e) => e.correlation.commitSha)).not.toEqual(events.map((e) => e.correlation.commitSha));
  });

  it('fills the day in time order, each event with its own dedupe key', () => {
    const times = events.map((e) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(Date.parse('2026-01-30T00:00:00Z'));
    expect(times.at(-1)).toBeLessThan(Date.parse('2026-01-31T00:00:00Z'));
    expect(events.map((e) => e.dedupeKey)).toEqual(events.map((_, i) => `demo:${DAY}:${i + 1}`));
  });

  it('ends at the given moment when the day is today', () => {
    const end = new Date('2026-01-30T15:45:00.000Z');
    const today = parsed(DAY, end);
    expect(Date.parse(today[0]!.occurredAt)).toBeGreaterThanOrEqual(end.getTime() - 86_400_000);
    expect(Date.parse(today.at(-1)!.occurredAt)).toBeLessThanOrEqual(end.getTime());
    expect(today.map((e) => e.dedupeKey)).toEqual(events.map((e) => e.dedupeKey));
  });

  it('covers the three services in production, tagged with team, region and version', () => {
    expect(new Set(events.map((e) => e.service))).toEqual(new Set(DEMO_SERVICES));
    for (const e of events) {
      expect(e.environment).toBe('production');
      expect(Object.keys(e.tags)).toEqual(expect.arrayContaining(['team', 'region', 'version']));
    }
  });

  it('uses the source a real sender of each kind would be', () => {
    const sources: Record<string, string[]> = {
      deploy: ['github'],
      alert: ['alertmanager'],
      error: ['sentry'],
      incident: ['pagerduty'],
      flag_change: ['launchdarkly'],
      config_change: ['argocd', 'api'],
    };
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(Object.keys(sources)));
    for (const e of events) expect(sources[e.kind], e.title).toContain(e.source);
  });

  it('links only to https URLs on example.com hosts', () => {
    const urls = events.flatMap((e) => e.links.map((l) => new URL(l.url)));
    expect(urls.length).toBeGreaterThan(events.length);
    for (const u of urls) {
      expect(u.protocol).toBe('https:');
      expect(u.hostname).toMatch(/(^|\.)example\.com$/);
    }
  });

  it('has deploys with correlation, one failed and then rolled back', () => {
    for (const d of of('deploy'))
      expect(Object.keys(d.correlation)).toEqual(expect.arrayContaining(['commitSha', 'release', 'deploymentId']));
    const failed = of('deploy').filter((e) => e.status === 'failed');
    expect(failed).toHaveLength(1);
    const rollback = of('deploy').filter((e) => e.tags.rollback === 'true');
    expect(rollback.map((e) => e.status)).toEqual(['started', 'succeeded']);
    expect(rollback[0]!.service).toBe(failed[0]!.service);
    expect(rollback[0]!.occurredAt > failed[0]!.occurredAt).toBe(true);
    // Every deployment that starts also ends, under the same deployment id.
    const byId = groupBy(of('deploy'), (e) => e.correlation.deploymentId);
    for (const [id, pair] of byId)
      expect(
        pair.map((e) => e.status),
        id,
      ).toEqual(['started', expect.stringMatching(/^(succeeded|failed)$/)]);
  });

  it('pairs every alert firing with its resolution by fingerprint', () => {
    const byFingerprint = groupBy(of('alert'), (e) => e.correlation.alertFingerprint);
    expect(byFingerprint.size).toBeGreaterThanOrEqual(3);
    for (const pair of byFingerprint.values()) expect(pair.map((e) => e.status)).toEqual(['triggered', 'resolved']);
  });

  it('tells one incident from open to resolved, with the flag and the fix that ended it', () => {
    const incident = of('incident');
    expect(incident.map((e) => e.status)).toEqual(['triggered', 'acknowledged', 'resolved']);
    const id = incident[0]!.correlation.incidentId;
    expect(new Set(incident.map((e) => e.correlation.incidentId))).toEqual(new Set([id]));
    expect(incident.at(-1)!.links.map((l) => l.rel)).toContain('postmortem');
    const related = events.filter((e) => e.kind !== 'incident' && e.correlation.incidentId === id);
    expect(related.map((e) => `${e.kind}:${e.status}`)).toEqual([
      'flag_change:disabled',
      'deploy:started',
      'deploy:succeeded',
    ]);
    for (const f of of('flag_change')) expect(f.correlation.flagKey).toBeTruthy();
    expect(of('error').map((e) => e.status)).toEqual(expect.arrayContaining(['unresolved', 'resolved']));
  });

  it('refuses what is not a day', () => {
    expect(dayStart('2026-02-28').toISOString()).toBe('2026-02-28T00:00:00.000Z');
    for (const bad of ['2026-02-30', '2026-1-5', 'yesterday']) expect(() => demoDay(bad)).toThrow(RangeError);
  });
});
