// The data source against a real Ballast server on SQLite (jsdom: @grafana/data expects a window). Mocked: Grafana itself — its template
// service (variables) and its proxy route (test/ballast.ts adds the key as the route would).
import { dateTime, FieldType, type DataQueryRequest, type DataSourceInstanceSettings } from '@grafana/data';
import { proxiedApi, server } from '../../test/ballast';
import { BallastDataSource } from './datasource';
import type { BallastDataSourceOptions, BallastQuery } from './types';

const variables: Record<string, string[]> = { service: ['checkout'], envs: ['production', 'staging'] };
jest.mock('@grafana/runtime', () => ({
  getTemplateSrv: () => ({
    replace: (text: string, _scoped: unknown, format?: string) =>
      text.replace(/\$(\w+)/g, (m, name: string) =>
        variables[name] ? variables[name]!.join(format === 'csv' ? ',' : ' ') : m,
      ),
  }),
}));

const settings = {
  id: 1,
  uid: 'ballast-events',
  name: 'Ballast events',
  type: 'ballast-events-datasource',
  jsonData: { url: 'http://ballast:4680' },
  meta: {},
  access: 'proxy',
  readOnly: false,
} as unknown as DataSourceInstanceSettings<BallastDataSourceOptions>;

const request = (targets: BallastQuery[], hours = 6): DataQueryRequest<BallastQuery> => {
  const to = dateTime();
  const from = dateTime(to.valueOf() - hours * 3600_000);
  return {
    targets,
    range: { from, to, raw: { from, to } },
    scopedVars: {},
    requestId: 't',
    interval: '1m',
    intervalMs: 60_000,
    timezone: 'utc',
    app: 'dashboard',
    startTime: Date.now(),
  };
};

const ds = () => new BallastDataSource(settings, proxiedApi());
const values = (frame: { fields: Array<{ name: string; values: unknown[] }> }, name: string) =>
  frame.fields.find((f) => f.name === name)!.values;

describe('BallastDataSource', () => {
  it('builds its proxy base from the data source uid', () => {
    expect(new BallastDataSource(settings).api.base).toBe('/api/datasources/proxy/uid/ballast-events/api');
  });

  it('returns events as a table frame, filtered by interpolated variables', async () => {
    const res = await ds().query(request([{ refId: 'A', queryType: 'events', service: '$service', kind: 'deploy' }]));
    const frame = res.data[0];
    expect(frame.refId).toBe('A');
    expect(values(frame, 'title')).toEqual(['Deploy checkout 1.4.2 (rollback candidate)', 'Deploy checkout 1.4.1']);
    expect(new Set(values(frame, 'service'))).toEqual(new Set(['checkout']));
    expect(frame.fields.find((f: { name: string }) => f.name === 'time').type).toBe(FieldType.time);
    expect(values(frame, 'link')).toEqual([
      'https://github.example/shop/checkout/pull/42',
      'https://github.example/shop/checkout/pull/41',
    ]);
  });

  it('multi-value variables become lists, free text searches', async () => {
    const both = await ds().query(request([{ refId: 'A', environment: '$envs', kind: 'deploy' }]));
    expect(new Set(values(both.data[0], 'environment'))).toEqual(new Set(['production', 'staging']));
    const text = await ds().query(request([{ refId: 'B', q: 'rollback' }]));
    expect(values(text.data[0], 'title')).toEqual(['Deploy checkout 1.4.2 (rollback candidate)']);
  });

  it('returns a logs frame with levels from severity', async () => {
    const res = await ds().query(request([{ refId: 'L', format: 'logs', kind: 'incident', service: 'checkout' }]));
    const frame = res.data[0];
    expect(frame.meta.preferredVisualisationType).toBe('logs');
    expect(values(frame, 'level')).toEqual(['critical', 'critical']);
    expect(values(frame, 'body')).toContain('[incident] Checkout error rate above 5%');
  });

  it('annotations: the incident as one region, deploys as points or regions, links in the text', async () => {
    const source = ds();
    const query = source.annotations!.prepareQuery!({
      name: 'Ballast changes',
      enable: true,
      iconColor: 'orange',
      target: { refId: 'Anno', service: '$service', kind: 'incident,deploy' },
    } as never) as BallastQuery;
    expect(query.queryType).toBe('annotations');
    const res = await source.query(request([query]));
    const frame = res.data[0];
    const titles = values(frame, 'title') as string[];
    const incident = titles.findIndex((t) => t.startsWith('Checkout error rate'));
    expect(incident).toBeGreaterThanOrEqual(0);
    // start and resolve events (same incidentId) pair into one region of 30 minutes
    expect(titles.filter((t) => t.startsWith('Checkout error rate'))).toHaveLength(1);
    expect(values(frame, 'isRegion')[incident]).toBe(true);
    const time = values(frame, 'time') as number[];
    const timeEnd = values(frame, 'timeEnd') as number[];
    expect(timeEnd[incident]! - time[incident]!).toBe(30 * 60_000);
    const pointDeploy = titles.indexOf('Deploy checkout 1.4.2 (rollback candidate)');
    expect(values(frame, 'isRegion')[pointDeploy]).toBe(false);
    const text = values(frame, 'text') as string[];
    expect(text[pointDeploy]).toContain('https://github.example/shop/checkout/pull/42');
    expect(titles).not.toContain('Sync search to 2.0.0');
  });

  it('annotations: a warning on the frame when Ballast left the oldest out, none when all fitted', async () => {
    const all = await ds().query(request([{ refId: 'Anno', queryType: 'annotations', service: 'checkout' }]));
    expect((values(all.data[0], 'title') as string[]).length).toBeGreaterThan(1);
    expect(all.data[0].meta?.notices).toBeUndefined();
    const cut = await ds().query(request([{ refId: 'Anno', queryType: 'annotations', service: 'checkout', limit: 1 }]));
    expect(cut.data[0].meta.notices).toEqual([
      expect.objectContaining({ severity: 'warning', text: expect.stringContaining('more than 1 events') }),
    ]);
  });

  it('annotation filters by tag and source', async () => {
    const res = await ds().query(
      request([{ refId: 'Anno', queryType: 'annotations', tags: 'team:discovery', source: 'argocd' }]),
    );
    expect(values(res.data[0], 'title')).toEqual(['Sync search to 2.0.0']);
  });

  it('variables: services and environments', async () => {
    const services = await ds().metricFindQuery('services');
    expect(services.map((s) => s.text)).toEqual(expect.arrayContaining(['checkout', 'search']));
    const envs = await ds().metricFindQuery({ find: 'environments' });
    expect(envs.map((e) => e.text)).toEqual(['production', 'staging']);
    // Counted by the server over the dashboard's range: a year ago, nothing happened.
    const yearAgo = dateTime(Date.now() - 365 * 86_400_000);
    const range = { from: yearAgo, to: dateTime(yearAgo.valueOf() + 3_600_000), raw: { from: 'a', to: 'b' } };
    expect(await ds().metricFindQuery({ find: 'environments' }, { range })).toEqual([]);
    await expect(ds().metricFindQuery('owners')).rejects.toThrow(/unknown variable query/);
  });

  it("variables: SLO ids, all or one service's", async () => {
    const spec = (service: string, name: string) => ({
      service,
      name,
      objective: 0.99,
      period: { kind: 'rolling', window: '7d' },
      sli: { kind: 'pushed' },
    });
    for (const body of [spec('checkout', 'ds-latency'), spec('search', 'ds-results')]) {
      const res = await fetch(`${server().url}/v1/slos`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server().keys.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBeLessThan(300);
    }
    const all = (await ds().metricFindQuery('slos')).map((s) => s.text);
    expect(all).toEqual(expect.arrayContaining(['checkout-ds-latency', 'search-ds-results']));
    const checkout = (await ds().metricFindQuery('slos $service')).map((s) => s.text);
    expect(checkout).toContain('checkout-ds-latency');
    expect(checkout).not.toContain('search-ds-results');
  });

  it('test connection says when the key is refused', async () => {
    expect((await ds().testDatasource()).status).toBe('success');
    const bad = new BallastDataSource(settings, proxiedApi('blst_not-a-key'));
    const result = await bad.testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/unknown API key/);
  });

  it('a refusal from the server surfaces its message', async () => {
    await expect(ds().query(request([{ refId: 'A', kind: 'not-a-kind' }]))).rejects.toThrow(/kind/);
    expect(server().url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
