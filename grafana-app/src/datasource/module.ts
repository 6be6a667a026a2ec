import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './ConfigEditor';
import { BallastDataSource } from './datasource';
import { QueryEditor } from './QueryEditor';
import type { BallastDataSourceOptions, BallastQuery } from './types';

export const plugin = new DataSourcePlugin<BallastDataSource, BallastQuery, BallastDataSourceOptions>(BallastDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
