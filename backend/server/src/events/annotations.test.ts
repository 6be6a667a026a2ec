import { describe, expect, it } from 'vitest';
import type { Event } from '@ballast/contract';
import { pairAnnotations } from './annotations.js';

let seq = 0;
const ev = (at: string, over: Partial<Event>): Event => ({
  id: `e${++seq}`,
  tenant: 't',
  seq,
  occurredAt: `2026-11-20T${at}:00.000Z`,
  receivedAt: `2026-11-20T${at}:00.000Z`,
  source: 'api',
  kind: 'deploy',
  severity: 'info',
  sourceRefs: {},
  title: 'x',
  links: [],
  actor: { type: 'key', id: 'k', verified: true },
  tags: {},
  attributes: {},
  personalAttributes: [],
  correlation: {},
  hash: '',
  prevHash: '',
  ...over,
});
const t = (at: string) => Date.parse(`2026-11-20T${at}:00.000Z`);
const windowEnd = t('12:00');

describe('pairAnnotations', () => {
  it('makes a point of an event that opens or closes nothing', () => {
    const [a] = pairAnnotations(
      [
        ev('10:00', {
          title: 'Flag off',
          kind: 'flag_change',
          status: 'disabled',
          links: [{ rel: 'flag', url: 'https://ld.example.com/f', text: 'flag' }],
        }),
      ],
      windowEnd,
    );
    expect(a).toMatchObject({
      time: t('10:00'),
      open: false,
      title: 'Flag off',
      text: '[flag](https://ld.example.com/f)',
    });
    expect(a!.timeEnd).toBeUndefined();
  });

  it('pairs the start and end of one incident into a region', () => {
    const list = pairAnnotations(
      [
        ev('10:00', {
          kind: 'incident',
          status: 'triggered',
          title: 'Checkout down',
          service: 'checkout',
          correlation: { incidentId: 'I1' },
        }),
        ev('10:40', {
          kind: 'incident',
          status: 'resolved',
          title: 'Resolved',
          service: 'checkout',
          correlation: { incidentId: 'I1' },
        }),
      ],
      windowEnd,
    );
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ time: t('10:00'), timeEnd: t('10:40'), open: false, title: 'Checkout down' });
    expect(list[0]!.eventIds).toHaveLength(2);
  });

  it('draws a range still open up to the window end', () => {
    const [a] = pairAnnotations(
      [ev('11:00', { kind: 'alert', status: 'firing', correlation: { alertFingerprint: 'fp' } })],
      windowEnd,
    );
    expect(a).toMatchObject({ time: t('11:00'), timeEnd: windowEnd, open: true });
  });

  it('folds repeated starts into the open range and pairs again after an end', () => {
    const fp = { alertFingerprint: 'fp2' };
    const list = pairAnnotations(
      [
        ev('09:00', { kind: 'alert', status: 'firing', correlation: fp }),
        ev('09:05', { kind: 'alert', status: 'firing', correlation: fp }),
        ev('09:30', { kind: 'alert', status: 'resolved', correlation: fp }),
        ev('10:00', { kind: 'alert', status: 'firing', correlation: fp }),
      ],
      windowEnd,
    );
    expect(list.map((a) => [a.time, a.timeEnd, a.open])).toEqual([
      [t('09:00'), t('09:30'), false],
      [t('10:00'), windowEnd, true],
    ]);
  });

  it('keeps ranges of different services or kinds apart', () => {
    const list = pairAnnotations(
      [
        ev('09:00', { kind: 'deploy', status: 'started', service: 'a', correlation: { deploymentId: 'd1' } }),
        ev('09:10', { kind: 'deploy', status: 'succeeded', service: 'b', correlation: { deploymentId: 'd1' } }),
      ],
      windowEnd,
    );
    expect(list.map((a) => [a.service, a.open])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(list[1]!.timeEnd).toBeUndefined();
  });

  it('uses endedAt of a self-contained range', () => {
    const [a] = pairAnnotations([ev('08:00', { kind: 'annotation', endedAt: '2026-11-20T09:00:00.000Z' })], windowEnd);
    expect(a).toMatchObject({ time: t('08:00'), timeEnd: t('09:00') });
  });

  it('writes titles and texts that need escaping, and ends a region with the end title', () => {
    const tricky = 'Quote " backslash \\ tab \t line\nü 🚀 \u2028';
    const incident = (at: string, status: string, over: Partial<Event>) =>
      ev(at, { kind: 'incident', status, service: 'svc "x"', correlation: { incidentId: 'I9' }, ...over });
    const list = pairAnnotations(
      [
        incident('10:00', 'triggered', {
          title: tricky,
          description: `Why: ${tricky}`,
          links: [{ rel: 'pd', url: 'https://pd.example.com/I9?a="b"', text: 'page \\ 1' }],
          tags: { 'team"': 'pay\\ments' },
          environment: 'prod',
          severity: 'critical',
        }),
        incident('10:30', 'resolved', { title: `End ${tricky}` }),
      ],
      windowEnd,
    );
    expect(list).toEqual([
      {
        time: t('10:00'),
        timeEnd: t('10:30'),
        open: false,
        title: tricky,
        text: `Why: ${tricky}\n\n[page \\ 1](https://pd.example.com/I9?a="b")\n\nEnded: End ${tricky}`,
        tags: ['api', 'incident', 'svc "x"', 'prod', 'team":pay\\ments'],
        source: 'api',
        kind: 'incident',
        severity: 'critical',
        service: 'svc "x"',
        environment: 'prod',
        eventIds: [list[0]!.eventIds[0], list[0]!.eventIds[1]],
      },
    ]);
    expect(list[0]!.eventIds).toHaveLength(2);
  });

  it('gives a region whose start has no text only its end', () => {
    const fp = { alertFingerprint: 'fp3' };
    const list = pairAnnotations(
      [
        ev('09:00', { kind: 'alert', status: 'firing', correlation: fp, title: 'Disk "full"' }),
        ev('09:30', { kind: 'alert', status: 'resolved', correlation: fp, title: 'Disk \\ fine' }),
      ],
      windowEnd,
    );
    expect(list.map((a) => [a.title, a.text])).toEqual([['Disk "full"', 'Ended: Disk \\ fine']]);
  });

  it('carries the runbook of an event given one', () => {
    const runbook = { id: 'rb', title: 'Disk "full"', by: 'alert' as const, href: '/v1/runbooks/rb' };
    const [a] = pairAnnotations([ev('09:00', { kind: 'alert', title: 'Disk', runbook })], windowEnd);
    expect(a!.runbook).toEqual(runbook);
  });
});
