import type { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, Input, RadioButtonGroup } from '@grafana/ui';
import type { BallastDataSource } from './datasource';
import type { BallastDataSourceOptions, BallastQuery } from './types';

type Props = QueryEditorProps<BallastDataSource, BallastQuery, BallastDataSourceOptions>;

const TYPES = [
  { label: 'Events', value: 'events' as const },
  { label: 'Annotations', value: 'annotations' as const },
];
const FORMATS = [
  { label: 'Table', value: 'table' as const },
  { label: 'Logs', value: 'logs' as const },
];

/** Filters are comma lists and may hold template variables ($service). */
export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const type = query.queryType ?? 'events';
  const text = (key: keyof BallastQuery, label: string, placeholder: string, width = 24) => (
    <InlineField label={label} labelWidth={12}>
      <Input
        aria-label={label}
        width={width}
        placeholder={placeholder}
        value={(query[key] as string | undefined) ?? ''}
        onChange={(e) => onChange({ ...query, [key]: e.currentTarget.value })}
        onBlur={onRunQuery}
      />
    </InlineField>
  );
  return (
    <div>
      <InlineFieldRow>
        <InlineField label="Query" labelWidth={12}>
          <RadioButtonGroup
            options={TYPES}
            value={type}
            onChange={(v) => {
              onChange({ ...query, queryType: v });
              onRunQuery();
            }}
          />
        </InlineField>
        {type === 'events' && (
          <InlineField label="Format" labelWidth={12}>
            <RadioButtonGroup
              options={FORMATS}
              value={query.format ?? 'table'}
              onChange={(v) => {
                onChange({ ...query, format: v });
                onRunQuery();
              }}
            />
          </InlineField>
        )}
      </InlineFieldRow>
      {type === 'events' && <InlineFieldRow>{text('q', 'Search', 'free text, e.g. rollback', 40)}</InlineFieldRow>}
      <InlineFieldRow>
        {text('service', 'Service', 'checkout, $service')}
        {text('environment', 'Environment', 'production')}
      </InlineFieldRow>
      <InlineFieldRow>
        {text('source', 'Source', 'github, sentry')}
        {text('kind', 'Kind', 'deploy, incident')}
        {type === 'events' && text('severity', 'Severity', 'critical, high')}
      </InlineFieldRow>
      <InlineFieldRow>{text('tags', 'Tags', 'team:payments, region:eu', 40)}</InlineFieldRow>
    </div>
  );
}
