/** On-call resolution against a local server answering in PagerDuty's documented on-calls shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagerDutyOnCall } from '@ballast/plugins';
import { OnCallConfig } from '@ballast/contract';
import { onCallsBody, startPagerDutyStub, type PagerDutyStub } from '../../test/catalogPagerDutyStub.js';
import { onCallResolver } from './onCall.js';

describe('on-call resolution', () => {
  let pd: PagerDutyStub;
  beforeAll(async () => {
    pd = await startPagerDutyStub();
  });
  afterAll(() => pd?.close());

  const config = OnCallConfig.parse({
    pagerduty: { escalationPolicyIds: ['PEP1234'] },
    static: {
      people: [{ name: 'Ada', email: 'ada@example.com' }, { name: 'Brian' }],
      startsAt: '2026-11-16T09:00:00Z',
      shift: '1w',
    },
  });

  it('asks PagerDuty, caches the answer for 60 s, asks again after', async () => {
    pd.answer = {
      status: 200,
      body: onCallsBody([
        { name: 'Second Level', email: 'second@example.com', level: 2 },
        { name: 'Grace Hopper', email: 'grace@example.com', level: 1 },
        { name: 'Grace Hopper', email: 'grace@example.com', level: 3, policy: 'PEP9' },
      ]),
    };
    let t = Date.parse('2026-11-20T12:00:00Z');
    const resolve = onCallResolver(pagerDutyOnCall({ token: 'pd-token', baseUrl: pd.url }), () => t);
    const first = await resolve(config);
    expect(first).toEqual({
      source: 'pagerduty',
      asOf: '2026-11-20T12:00:00.000Z',
      people: [
        {
          name: 'Grace Hopper',
          email: 'grace@example.com',
          level: 1,
          until: '2026-11-23T09:00:00Z',
          url: 'https://acme.pagerduty.com/users/PUSER1',
        },
        {
          name: 'Second Level',
          email: 'second@example.com',
          level: 2,
          until: '2026-11-23T09:00:00Z',
          url: 'https://acme.pagerduty.com/users/PUSER0',
        },
      ],
    });
    expect(pd.requests).toHaveLength(1);
    const req = new URL(pd.requests[0]!.url, pd.url);
    expect(req.pathname).toBe('/oncalls');
    expect(req.searchParams.getAll('escalation_policy_ids[]')).toEqual(['PEP1234']);
    expect(req.searchParams.getAll('include[]')).toEqual(['users']);
    expect(pd.requests[0]!.authorization).toBe('Token token=pd-token');
    expect(pd.requests[0]!.accept).toBe('application/vnd.pagerduty+json;version=2');

    pd.answer = { status: 200, body: onCallsBody([{ name: 'Next Person', email: 'next@example.com', level: 1 }]) };
    t += 59_000;
    expect((await resolve(config)).people[0]!.name).toBe('Grace Hopper');
    expect(pd.requests).toHaveLength(1);
    t += 1_000;
    const after = await resolve(config);
    expect(after.people.map((p) => p.name)).toEqual(['Next Person']);
    expect(after.asOf).toBe('2026-11-20T12:01:00.000Z');
    expect(pd.requests).toHaveLength(2);
  });

  it('follows PagerDuty pages (more / offset) and keeps each person once', async () => {
    pd.requests.length = 0;
    pd.answer = {
      status: 200,
      body: (url: URL) =>
        url.searchParams.get('offset') === '0'
          ? { ...onCallsBody([{ name: 'Page One', email: 'one@example.com', level: 1 }]), more: true }
          : {
              ...onCallsBody([
                { name: 'Page Two', email: 'two@example.com', level: 2 },
                { name: 'Page One', email: 'one@example.com', level: 3 },
              ]),
              offset: 1,
              more: false,
            },
    };
    const resolve = onCallResolver(pagerDutyOnCall({ token: 't', baseUrl: pd.url }), () => 0);
    const answer = await resolve(OnCallConfig.parse({ pagerduty: { scheduleIds: ['PSCHED1'] } }));
    expect(answer.people.map((p) => [p.name, p.level])).toEqual([
      ['Page One', 1],
      ['Page Two', 2],
    ]);
    expect(pd.requests.map((r) => new URL(r.url, pd.url).searchParams.get('offset'))).toEqual(['0', '1']);
  });

  it('falls back to the static rotation when PagerDuty fails, and says so', async () => {
    pd.answer = { status: 500 };
    const t = Date.parse('2026-11-24T12:00:00Z'); // the rotation's second week
    const resolve = onCallResolver(pagerDutyOnCall({ token: 'pd-token', baseUrl: pd.url }), () => t);
    const answer = await resolve(config);
    expect(answer.source).toBe('static');
    expect(answer.people).toEqual([{ name: 'Brian', level: 1, until: '2026-11-30T09:00:00.000Z' }]);
    expect(answer.fallbackReason).toMatch(/^pagerduty: PagerDuty answered HTTP 500/);

    const unreachable = onCallResolver(pagerDutyOnCall({ token: 't', baseUrl: 'http://127.0.0.1:1' }), () => t);
    const down = await unreachable(config);
    expect(down.source).toBe('static');
    expect(down.fallbackReason).toMatch(/^pagerduty: PagerDuty did not answer/);
    const noStatic = await unreachable(OnCallConfig.parse({ pagerduty: { scheduleIds: ['PSCHED1'] } }));
    expect(noStatic).toMatchObject({ source: 'none', people: [] });
    expect(noStatic.fallbackReason).toContain('no static rotation to fall back on');
  });

  it('answers from the static rotation alone when no provider is configured', async () => {
    const resolve = onCallResolver(undefined, () => Date.parse('2026-11-17T00:00:00Z'));
    expect(await resolve(config)).toMatchObject({
      source: 'static',
      people: [{ name: 'Ada', email: 'ada@example.com' }],
      fallbackReason: 'PagerDuty is named but the server has no PagerDuty token',
    });
    expect(await resolve(undefined)).toMatchObject({ source: 'none', people: [] });
  });
});
