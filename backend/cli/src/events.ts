/** `ballast events add | search | tail | export`: the first two here, the others in their own files. */
import { readFile } from 'node:fs/promises';
import { SEARCH_MAX_LIMIT, type Event, type EventPage, type SearchQueryInput } from '@ballast/contract';
import { Command } from 'commander';
import { EVENT_FLAG_NAMES, eventFromFlags, eventsFromJson, ingestInBatches, type EventFlags } from './eventInput.js';
import { addFilterOptions, filterQuery, type FilterOptions } from './eventFilters.js';
import { eventsExportCommand } from './eventsExport.js';
import { eventLines, ingestLines } from './format.js';
import { eprintln, println, printJson, UsageError } from './io.js';
import { collect, integer, type CommandContext } from './options.js';
import { tailCommand } from './tail.js';
import { resolveTime } from './time.js';

interface AddOptions extends EventFlags {
  file?: string;
  json?: boolean;
}

interface SearchOptions extends FilterOptions {
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
  all?: boolean;
  json?: boolean;
}

async function readEventsFile(ctx: CommandContext, file: string) {
  const name = file === '-' ? 'standard input' : file;
  let text: string;
  try {
    text = file === '-' ? await ctx.io.readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${name}: ${(err as Error).message}`);
  }
  return eventsFromJson(text, name);
}

function addCommand(ctx: CommandContext): Command {
  return new Command('add')
    .description('store one event described by flags, or the events in a JSON file')
    .option('--kind <kind>', 'deploy, error, alert, incident, flag_change, annotation, config_change, ...')
    .option('--title <text>', 'what happened, in a line')
    .option('--service <name>', 'the service it happened to (OTel service.name)')
    .option('--environment <name>', 'e.g. production')
    .option('--source <source>', 'who reports it: api, github, sentry, ... (default: api)')
    .option('--status <word>', 'lifecycle word: started, succeeded, failed, triggered, resolved, ...')
    .option('--severity <level>', 'critical, high, warning or info (default: info)')
    .option('--occurred-at <time>', 'ISO 8601 time, or 15m / 2h / 1d ago (default: now)')
    .option('--ended-at <time>', 'end of a range, same forms as --occurred-at')
    .option('--description <text>', 'longer text; markdown is fine')
    .option('--tag <key=value>', 'a tag (repeatable)', collect)
    .option('--link <rel=url>', 'a link, e.g. pr=https://... (repeatable)', collect)
    .option('--dedupe-key <key>', 'the same key twice stores one event; makes retries safe')
    .option('--commit-sha <sha>', 'correlation: the commit')
    .option('--release <release>', 'correlation: the release, e.g. checkout@5.2.0')
    .option('--deployment-id <id>', 'correlation: the deployment')
    .option('--incident-id <id>', 'correlation: the incident')
    .option('--file <path>', 'JSON: one event, { "events": [...] } or an array; - reads standard input')
    .option('--json', 'print the ingest result as JSON')
    .action(async (opts: AddOptions, cmd: Command) => {
      const { file, json, ...flags } = opts;
      let result;
      let batch: boolean;
      if (file !== undefined) {
        const given = (Object.keys(EVENT_FLAG_NAMES) as (keyof EventFlags)[]).filter((k) => flags[k] !== undefined);
        if (given.length > 0) {
          throw new UsageError(
            `--file cannot be combined with ${given.map((k) => EVENT_FLAG_NAMES[k]).join(', ')}; put those fields in the file`,
          );
        }
        const events = await readEventsFile(ctx, file);
        result = await ingestInBatches(ctx.connect(cmd).client, events);
        batch = true;
      } else {
        const event = eventFromFlags(flags, ctx.io.now());
        result = await ctx.connect(cmd).client.call('ingestEvents', { body: event });
        batch = false;
      }
      if (json) printJson(ctx.io, result);
      else for (const line of ingestLines(result, batch)) println(ctx.io, line);
    });
}

function searchCommand(ctx: CommandContext): Command {
  return addFilterOptions(
    new Command('search').description(
      'find events, newest first, by free text and filters (filters repeat, or take comma-separated lists)',
    ),
  )
    .option('--from <time>', 'not before: ISO 8601, or 15m / 2h / 7d ago')
    .option('--to <time>', 'not after: ISO 8601, or 15m / 2h / 7d ago')
    .option('--limit <n>', `events per page (default 100, at most ${SEARCH_MAX_LIMIT})`, integer)
    .option('--cursor <cursor>', 'continue from a previous page (its nextCursor)')
    .option('--all', 'follow nextCursor until every matching event is read')
    .option('--json', 'print the page (with --all: every event) as JSON')
    .action(async (text: string | undefined, opts: SearchOptions, cmd: Command) => {
      const { client } = ctx.connect(cmd);
      const now = ctx.io.now();
      // Reading everything goes faster in the largest pages the server serves.
      const limit = opts.limit ?? (opts.all ? SEARCH_MAX_LIMIT : undefined);
      const query: SearchQueryInput = {
        ...filterQuery(text, opts),
        ...(opts.from !== undefined && { from: resolveTime(opts.from, now) }),
        ...(opts.to !== undefined && { to: resolveTime(opts.to, now) }),
        ...(limit !== undefined && { limit }),
        ...(opts.cursor !== undefined && { cursor: opts.cursor }),
      };
      let page: EventPage = await client.call('searchEvents', { query });
      const events: Event[] = [...page.events];
      while (opts.all && page.nextCursor) {
        page = await client.call('searchEvents', { query: { ...query, cursor: page.nextCursor } });
        events.push(...page.events);
      }
      if (opts.json) {
        printJson(ctx.io, { events, nextCursor: page.nextCursor, snapshotSeq: page.snapshotSeq } satisfies EventPage);
        return;
      }
      if (events.length === 0) eprintln(ctx.io, 'no events match');
      for (const line of eventLines(events)) println(ctx.io, line);
      if (page.nextCursor) eprintln(ctx.io, `more events match: add --all, or --cursor ${page.nextCursor}`);
    });
}

export function eventsCommand(ctx: CommandContext): Command {
  return new Command('events')
    .description('store, search, follow and export timeline events')
    .addCommand(addCommand(ctx))
    .addCommand(searchCommand(ctx))
    .addCommand(tailCommand(ctx))
    .addCommand(eventsExportCommand(ctx));
}
