// The Ballast events data source: tables and logs of events, annotations (points and regions) for any
// dashboard, and service / environment variables. Every call goes through this data source's proxy
// route, which adds the API key kept in its secure settings.
import type { AnnotationQueryInput, SearchQueryInput } from '@ballast/contract';
import {
  DataSourceApi,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
  type TimeRange,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { ballastApi, dataSourceApiBase, type BallastApi } from '../api/ballast';
import { ANNOTATION_LIMIT_MAX, annotationsFrame, eventsFrame, splitList } from './frames';
import { DEFAULT_QUERY, type BallastDataSourceOptions, type BallastQuery, type BallastVariableQuery } from './types';

export class BallastDataSource extends DataSourceApi<BallastQuery, BallastDataSourceOptions> {
  readonly api: BallastApi;

  constructor(settings: DataSourceInstanceSettings<BallastDataSourceOptions>, api?: BallastApi) {
    super(settings);
    this.api = api ?? ballastApi(dataSourceApiBase(settings.uid));
    // Annotation queries are ordinary queries of type `annotations`; Grafana turns the returned frame
    // (time, timeEnd, title, text, tags) into annotation events, regions where timeEnd differs.
    this.annotations = {
      prepareQuery: (anno) => {
        const target = (anno.target ?? {}) as Partial<BallastQuery>;
        return { ...target, refId: anno.name ?? 'Anno', queryType: 'annotations' } as BallastQuery;
      },
    };
  }

  override getDefaultQuery(): Partial<BallastQuery> {
    return DEFAULT_QUERY;
  }

  override filterQuery(query: BallastQuery): boolean {
    return !query.hide;
  }

  /** Template variables replaced; multi-value variables become comma lists. */
  interpolate(query: BallastQuery, scopedVars: ScopedVars = {}): BallastQuery {
    const t = getTemplateSrv();
    const r = (v: string | undefined) => (v ? t.replace(v, scopedVars, 'csv') : v);
    return {
      ...query,
      q: r(query.q),
      service: r(query.service),
      environment: r(query.environment),
      source: r(query.source),
      kind: r(query.kind),
      severity: r(query.severity),
      tags: r(query.tags),
    };
  }

  async query(request: DataQueryRequest<BallastQuery>): Promise<DataQueryResponse> {
    const from = request.range.from.toISOString();
    const to = request.range.to.toISOString();
    const frames = await Promise.all(
      request.targets
        .filter((q) => this.filterQuery(q))
        .map(async (raw) => {
          const q = this.interpolate(raw, request.scopedVars);
          if (q.queryType === 'annotations') {
            const limit = Math.min(q.limit ?? 1000, ANNOTATION_LIMIT_MAX);
            const { annotations, truncated } = await this.api.annotations({
              ...annotationFilters(q),
              from,
              to,
              limit,
            });
            return annotationsFrame(annotations, q.refId, { truncated, limit });
          }
          const page = await this.api.search({ ...searchFilters(q), from, to, limit: Math.min(q.limit ?? 100, 500) });
          return eventsFrame(page.events, q.refId, q.format ?? 'table');
        }),
    );
    return { data: frames };
  }

  /**
   * Variables: `services` (catalog and recent events), `environments` (with events in the range), or `slos` /
   * `slos $service` (SLO ids, all or one service's).
   */
  override async metricFindQuery(
    query: BallastVariableQuery | string,
    options?: { range?: TimeRange },
  ): Promise<MetricFindValue[]> {
    const [word, arg] = typeof query === 'string' ? query.trim().split(/\s+/) : [query.find, query.service];
    const find = word || 'services';
    const names = new Set<string>();
    if (find === 'slos') {
      const service = arg ? getTemplateSrv().replace(arg) : undefined;
      const { slos } = await this.api.slos();
      for (const s of slos) if (!service || s.service === service) names.add(s.id);
      return [...names].sort().map((text) => ({ text, value: text }));
    }
    if (find === 'services') {
      const list = await this.api.services();
      for (const s of list.services) names.add(s.name);
      for (const s of list.unclaimed) names.add(s.name);
    } else if (find === 'environments') {
      // Every environment with events in the dashboard's range (the last 30 days without one).
      const range = options?.range;
      const to = range ? range.to.valueOf() : Date.now();
      const from = range ? range.from.valueOf() : to - 30 * 86_400_000;
      const counts = await this.api.facets({
        facet: ['environment'],
        size: 100,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
      });
      for (const v of counts.facets.environment ?? []) names.add(v.value);
    } else {
      throw new Error(`unknown variable query "${String(find)}": use services, environments or slos`);
    }
    return [...names].sort().map((text) => ({ text, value: text }));
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    try {
      await this.api.search({ limit: 1 });
      return { status: 'success', message: 'Ballast answered: events can be read with this key.' };
    } catch (err) {
      return { status: 'error', message: `Ballast refused or could not be reached: ${(err as Error).message}` };
    }
  }
}

function tagList(tags: string | undefined): string[] | undefined {
  const list = splitList(tags)?.filter((t) => t.includes(':'));
  return list?.length ? list : undefined;
}

export function searchFilters(q: BallastQuery): SearchQueryInput {
  return {
    q: q.q?.trim() || undefined,
    service: splitList(q.service),
    environment: splitList(q.environment),
    source: splitList(q.source) as SearchQueryInput['source'],
    kind: splitList(q.kind) as SearchQueryInput['kind'],
    severity: splitList(q.severity) as SearchQueryInput['severity'],
    tag: tagList(q.tags),
  };
}

export function annotationFilters(q: BallastQuery): Omit<AnnotationQueryInput, 'from' | 'to'> {
  return {
    service: splitList(q.service),
    environment: splitList(q.environment),
    source: splitList(q.source) as AnnotationQueryInput['source'],
    kind: splitList(q.kind) as AnnotationQueryInput['kind'],
    tag: tagList(q.tags),
  };
}
