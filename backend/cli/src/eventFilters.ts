/** The filter flags `events search` and `events tail` share, and the query they make. */
import type { StreamQueryInput } from '@ballast/contract';
import type { Command } from 'commander';
import { collect } from './options.js';

export interface FilterOptions {
  service?: string[];
  environment?: string[];
  source?: string[];
  kind?: string[];
  severity?: string[];
  status?: string[];
  tag?: string[];
}

/** The contract's filters as sent, before the server parses them (the stream's query without `after`). */
export type FilterQuery = Omit<StreamQueryInput, 'after'>;

export function addFilterOptions(cmd: Command): Command {
  return cmd
    .argument('[text]', 'words to look for in title, description, service, tags, ...')
    .option('--service <name>', 'service (repeatable)', collect)
    .option('--environment <name>', 'environment (repeatable)', collect)
    .option('--source <source>', 'source (repeatable)', collect)
    .option('--kind <kind>', 'kind (repeatable)', collect)
    .option('--severity <level>', 'severity (repeatable)', collect)
    .option('--status <word>', 'status (repeatable)', collect)
    .option('--tag <key:value>', 'tag that must match (repeatable; all must match)', collect);
}

const many = (v: string[] | undefined) => (v && v.length > 0 ? v : undefined);

/** Enum filters go as typed; the server's refusal names the allowed values and the query field. */
export function filterQuery(text: string | undefined, opts: FilterOptions): FilterQuery {
  return {
    ...(text !== undefined && { q: text }),
    service: many(opts.service),
    environment: many(opts.environment),
    source: many(opts.source) as FilterQuery['source'],
    kind: many(opts.kind) as FilterQuery['kind'],
    severity: many(opts.severity) as FilterQuery['severity'],
    status: many(opts.status),
    tag: many(opts.tag),
  };
}
