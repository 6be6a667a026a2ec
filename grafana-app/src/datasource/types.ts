import type { DataQuery, DataSourceJsonData } from '@grafana/schema';

export type BallastQueryType = 'events' | 'annotations';

/** One query of the data source; lists hold template variables until interpolated. */
export interface BallastQuery extends DataQuery {
  queryType?: BallastQueryType;
  /** Free text (events only). */
  q?: string;
  service?: string;
  environment?: string;
  source?: string;
  kind?: string;
  severity?: string;
  /** `key:value`, comma-separated. */
  tags?: string;
  /** events only: `table` or `logs`. */
  format?: 'table' | 'logs';
  limit?: number;
}

export const DEFAULT_QUERY: Partial<BallastQuery> = { queryType: 'events', format: 'table', limit: 100 };

/** Settings stored in jsonData: never a secret. */
export interface BallastDataSourceOptions extends DataSourceJsonData {
  url?: string;
}

/** Settings stored in secureJsonData: written from the browser, never read back. */
export interface BallastSecureJsonData {
  apiKey?: string;
}

/** `metricFindQuery` variables. */
export interface BallastVariableQuery {
  find: 'services' | 'environments' | 'slos';
  /** For `slos`: only this service's (variables allowed). */
  service?: string;
}
